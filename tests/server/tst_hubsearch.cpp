// Search over real loopback sockets (docs/protocol.md, "Search"): Chinese and English substrings,
// several words and phrases, highlighting ranges, edits and deletions, paging, the page around a
// hit, bad input, a data directory without an index (indexed in the background while the hub
// serves), and the privacy rule: a third member never finds what is not theirs.

#include "chat/searchservice.h"
#include "hubtestkit.h"
#include "store/sqlitechatstore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace confab;
using namespace confab::test;

namespace {

HubSettings unlimitedRate()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    return settings;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray messagesPath(const QString &conversation)
{
    return "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation) + "/messages";
}

qint64 postTo(quint16 port, const Session &session, const QString &conversation,
              const QString &text)
{
    static int counter = 0;
    const Response posted
        = callAs(port, session, "POST", messagesPath(conversation),
                 json({{QStringLiteral("text"), text},
                       {QStringLiteral("clientId"), QStringLiteral("c-%1").arg(++counter)}}));
    if (posted.status != 201)
        qWarning() << "post failed" << posted.status << posted.body;
    return qint64(posted.json().value(QLatin1StringView("id")).toDouble());
}

// GET /api/v2/search with `q` percent-encoded (and any extra parameters as given).
Response search(quint16 port, const Session &session, const QString &query,
                const QByteArray &extra = {})
{
    return callAs(port, session, "GET",
                  "/api/v2/search?q=" + QUrl::toPercentEncoding(query) + extra);
}

QJsonArray resultsOf(const Response &response)
{
    return response.json().value(QLatin1StringView("results")).toArray();
}

QStringList textsOf(const Response &response)
{
    QStringList texts;
    for (const QJsonValue &hit : resultsOf(response))
        texts.append(hit.toObject()
                         .value(QLatin1StringView("message"))
                         .toObject()
                         .value(QLatin1StringView("text"))
                         .toString());
    return texts;
}

QString dmWith(quint16 port, const Session &me, const Session &other)
{
    const Response dm = callAs(port, me, "POST", "/api/v2/dms",
                               json({{QStringLiteral("member"), other.memberId}}));
    return dm.json().value(QLatin1StringView("id")).toString();
}

} // namespace

class TestHubSearch : public QObject
{
    Q_OBJECT
private slots:
    void chineseAndEnglishSubstrings();
    void rangesAreUtf16CodeUnits();
    void editedByCurrentTextDeletedNotAtAll();
    void thirdMemberNeverFindsOthersMessages();
    void badInputIsA400NeverA500();
    void pagesFollowNextBefore();
    void historyAroundAMessage();
    void oldDataDirectoryIsIndexedInTheBackground();
    void everyPathFindsTheSameMessages();
    void newMessagesAreIndexedBetweenRequests();
    void indexOfTheTriggerLayoutIsAdopted();
    void nothingTouchesTheStoreAfterShutdown();
};

// `confab serve` on SIGTERM shuts the hub down and returns to its event loop once more; the
// index upkeep used to run then, on a closed store ("database not open", "Driver not loaded").
void TestHubSearch::nothingTouchesTheStoreAfterShutdown()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    QVERIFY(postTo(fixture.port(), ana, QStringLiteral("lobby"), QStringLiteral("deploy plan"))
            > 0);
    fixture.hub().shutdown(QStringLiteral("stopping"));
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
    QTest::qWait(SearchService::MergeIntervalMs * 4);
}

void TestHubSearch::chineseAndEnglishSubstrings()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const Session bo = signInToHub(port, QStringLiteral("bo"));
    const QString lobby = QStringLiteral("lobby");
    postTo(port, ana, lobby, QStringLiteral("明天部署方案"));
    postTo(port, bo, lobby, QStringLiteral("Deploy the server tonight"));
    postTo(port, ana, lobby, QStringLiteral("部署完成了吗？"));
    postTo(port, bo, lobby, QStringLiteral("hello world"));
    postTo(port, ana, lobby, QStringLiteral("the server, deploy it"));

    // Two characters (no trigram): a scan; newest first.
    Response found = search(port, bo, QStringLiteral("部署"));
    QCOMPARE(found.status, 200);
    QCOMPARE(textsOf(found),
             (QStringList {QStringLiteral("部署完成了吗？"), QStringLiteral("明天部署方案")}));
    QCOMPARE(found.json().value(QLatin1StringView("hasMore")).toBool(), false);
    QCOMPARE(found.json().value(QLatin1StringView("truncated")).toBool(), false);
    // Three or more: the trigram index.
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("部署方案"))),
             QStringList {QStringLiteral("明天部署方案")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("ploy"))),
             (QStringList {QStringLiteral("the server, deploy it"),
                           QStringLiteral("Deploy the server tonight")}));
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("DEPLOY"))).size(), 2);
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("lo"))),
             (QStringList {QStringLiteral("the server, deploy it"), QStringLiteral("hello world"),
                           QStringLiteral("Deploy the server tonight")}));
    // Every word must match; a quoted phrase matches as written.
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("deploy tonight"))),
             QStringList {QStringLiteral("Deploy the server tonight")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("部署 吗"))),
             QStringList {QStringLiteral("部署完成了吗？")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("\"the server\""))).size(), 2);
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("\"server the\""))), QStringList());
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("\"server, deploy\""))),
             QStringList {QStringLiteral("the server, deploy it")});
    // Filters: by sender, by conversation.
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("server"), "&from=" + ana.memberId.toUtf8())),
             QStringList {QStringLiteral("the server, deploy it")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("server"), "&conversation=lobby")).size(), 2);

    const QJsonObject hit = resultsOf(search(port, bo, QStringLiteral("方案"))).at(0).toObject();
    const QJsonObject conversation = hit.value(QLatin1StringView("conversation")).toObject();
    QCOMPARE(conversation.value(QLatin1StringView("id")).toString(), lobby);
    QCOMPARE(conversation.value(QLatin1StringView("kind")).toString(), QStringLiteral("channel"));
    QCOMPARE(hit.value(QLatin1StringView("message"))
                 .toObject()
                 .value(QLatin1StringView("from"))
                 .toObject()
                 .value(QLatin1StringView("name"))
                 .toString(),
             QStringLiteral("ana"));
}

void TestHubSearch::rangesAreUtf16CodeUnits()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const QString text = QStringLiteral("🎉 明天部署 Party, PARTY party");
    postTo(port, ana, QStringLiteral("lobby"), text);

    const auto rangesFor = [&](const QString &query) {
        QList<QPair<int, int>> ranges;
        const QJsonArray list = resultsOf(search(port, ana, query))
                                    .at(0)
                                    .toObject()
                                    .value(QLatin1StringView("ranges"))
                                    .toArray();
        for (const QJsonValue &range : list)
            ranges.append({range.toArray().at(0).toInt(), range.toArray().at(1).toInt()});
        return ranges;
    };
    // The emoji is two UTF-16 code units (one code point): 部署 starts at 5, as in JavaScript.
    QCOMPARE(text.indexOf(QStringLiteral("部署")), 5);
    QCOMPARE(rangesFor(QStringLiteral("部署")), (QList<QPair<int, int>> {{5, 2}}));
    QCOMPARE(rangesFor(QStringLiteral("party")),
             (QList<QPair<int, int>> {{8, 5}, {15, 5}, {21, 5}}));
    // Two terms: both marked, overlapping matches merged into one range.
    QCOMPARE(rangesFor(QStringLiteral("明天 天部署")), (QList<QPair<int, int>> {{3, 4}}));
}

void TestHubSearch::editedByCurrentTextDeletedNotAtAll()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const QString lobby = QStringLiteral("lobby");
    const qint64 first = postTo(port, ana, lobby, QStringLiteral("meeting at noon 中午开会"));
    const qint64 second = postTo(port, ana, lobby, QStringLiteral("bring the slides 幻灯片"));
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("noon"))).size(), 1);

    const QByteArray one = messagesPath(lobby) + '/' + QByteArray::number(first);
    QCOMPARE(callAs(port, ana, "PATCH", one,
                    json({{QStringLiteral("text"), QStringLiteral("meeting at three 下午开会")}}))
                 .status,
             200);
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("noon"))), QStringList());
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("中午"))), QStringList());
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("at three"))),
             QStringList {QStringLiteral("meeting at three 下午开会")});
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("下午"))).size(), 1);
    const QJsonObject edited = resultsOf(search(port, ana, QStringLiteral("three")))
                                   .at(0)
                                   .toObject()
                                   .value(QLatin1StringView("message"))
                                   .toObject();
    QVERIFY(edited.value(QLatin1StringView("edited")).toDouble() > 0);

    QCOMPARE(
        callAs(port, ana, "DELETE", messagesPath(lobby) + '/' + QByteArray::number(second)).status,
        200);
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("slides"))), QStringList());
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("幻灯"))), QStringList());
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("开会"))).size(), 1);
}

void TestHubSearch::thirdMemberNeverFindsOthersMessages()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const Session bo = signInToHub(port, QStringLiteral("bo"));
    const Session cy = signInToHub(port, QStringLiteral("cy"));
    const QString dm = dmWith(port, ana, bo);
    QVERIFY(dm.startsWith(QLatin1String("dm:")));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/channels",
                    json({{QStringLiteral("title"), QStringLiteral("Lab")}}))
                 .status,
             201);
    postTo(port, ana, dm, QStringLiteral("secret plan 秘密计划"));
    postTo(port, bo, dm, QStringLiteral("secret reply"));
    postTo(port, ana, QStringLiteral("lab"), QStringLiteral("secret lab notes 秘密"));
    postTo(port, cy, QStringLiteral("lobby"), QStringLiteral("no secret here"));

    // Ana: her DM, her channel, the lobby.
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("secret"))).size(), 4);
    // Bo: the DM and the lobby, not the channel he has not joined.
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("secret"))),
             (QStringList {QStringLiteral("no secret here"), QStringLiteral("secret reply"),
                           QStringLiteral("secret plan 秘密计划")}));
    const QJsonObject dmHit = resultsOf(search(port, bo, QStringLiteral("plan"))).at(0).toObject();
    QCOMPARE(dmHit.value(QLatin1StringView("conversation"))
                 .toObject()
                 .value(QLatin1StringView("title"))
                 .toString(),
             QStringLiteral("ana"));
    // Cy: only the lobby, whatever the path (index, scan) or filter.
    for (const QString &query :
         {QStringLiteral("secret"), QStringLiteral("秘密"), QStringLiteral("秘密计划"),
          QStringLiteral("se"), QStringLiteral("plan"), QStringLiteral("lab")}) {
        const QStringList texts = textsOf(search(port, cy, query));
        QVERIFY2(texts == QStringList {QStringLiteral("no secret here")} || texts.isEmpty(),
                 qPrintable(query + QLatin1String(": ") + texts.join(QLatin1Char('|'))));
    }
    const Response intoDm = search(port, cy, QStringLiteral("secret"),
                                   "&conversation=" + QUrl::toPercentEncoding(dm));
    QCOMPARE(intoDm.status, 404);
    QCOMPARE(intoDm.errorCode(), QStringLiteral("unknown_conversation"));
    const Response intoLab = search(port, cy, QStringLiteral("secret"), "&conversation=lab");
    QCOMPARE(intoLab.status, 403);
    QCOMPARE(intoLab.errorCode(), QStringLiteral("not_a_member"));
    // Nor by jumping to a message: the page around it has the same access rule.
    const qint64 dmMessage = qint64(dmHit.value(QLatin1StringView("message"))
                                        .toObject()
                                        .value(QLatin1StringView("id"))
                                        .toDouble());
    QCOMPARE(callAs(port, cy, "GET", messagesPath(dm) + "?around=" + QByteArray::number(dmMessage))
                 .status,
             404);
    // And a message id of the DM asked for in the lobby is no message of the lobby.
    QCOMPARE(
        callAs(port, cy, "GET",
               messagesPath(QStringLiteral("lobby")) + "?around=" + QByteArray::number(dmMessage))
            .errorCode(),
        QStringLiteral("unknown_message"));
}

void TestHubSearch::badInputIsA400NeverA500()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const QString syntax = QStringLiteral("x AND y NEAR(a b) ^start * \"quoted\" OR -not");
    postTo(port, ana, QStringLiteral("lobby"), syntax);
    postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("plain words"));

    // FTS5 syntax is just text: a correct search.
    for (const QString &query :
         {QStringLiteral("AND y"), QStringLiteral("NEAR("), QStringLiteral("\"NEAR(a\""),
          QStringLiteral("^start"), QStringLiteral("* \"quoted"), QStringLiteral("\"quoted\" OR"),
          QStringLiteral("-not"), QStringLiteral("OR -not \"\"\"")}) {
        const Response found = search(port, ana, query);
        QCOMPARE(found.status, 200);
        QVERIFY2(textsOf(found) == QStringList {syntax}, qPrintable(query));
    }
    for (const QString &query : {QStringLiteral("\""), QStringLiteral("**"), QStringLiteral("^^"),
                                 QStringLiteral("\"\"\"\"")}) {
        const Response found = search(port, ana, query);
        QVERIFY2(found.status == 200 || found.status == 400, qPrintable(query));
        if (found.status == 400)
            QCOMPARE(found.errorCode(), QStringLiteral("query_too_short"));
    }

    const auto refused = [&](const QByteArray &rawQuery, const char *code) {
        const Response answer = callAs(port, ana, "GET", "/api/v2/search?" + rawQuery);
        if (answer.status != 400 || answer.errorCode() != QLatin1String(code))
            qWarning() << rawQuery.left(80) << answer.status << answer.body;
        return answer.status == 400 && answer.errorCode() == QLatin1String(code);
    };
    QVERIFY(refused("q=a", "query_too_short"));
    QVERIFY(refused("q=%E9%83%A8", "query_too_short")); // 部: one character
    QVERIFY(refused("q=a+b+c", "query_too_short"));
    QVERIFY(refused("q=", "query_too_short"));
    QVERIFY(refused("", "bad_query"));
    QVERIFY(refused("q=" + QByteArray(10000, 'x'), "bad_query"));
    QVERIFY(refused("q=" + QUrl::toPercentEncoding(QString(1000, QChar(0x90E8))), "bad_query"));
    QVERIFY(refused("q=ab%01cd", "bad_query"));
    QVERIFY(refused("q=ab%0Acd", "bad_query"));
    QVERIFY(refused("q=%FF%FEab", "bad_query")); // not UTF-8
    QVERIFY(refused("q=ab%C3", "bad_query")); // cut in the middle of a character
    QVERIFY(refused("q=a+b+c+d+e+f+g+h+ij", "bad_query")); // nine terms
    QVERIFY(refused("q=plain&limit=0", "bad_request"));
    QVERIFY(refused("q=plain&before=x", "bad_request"));
    QCOMPARE(callAs(port, ana, "GET", "/api/v2/search?q=plain&conversation=nowhere").status, 404);
    // `+` is a space, as a form sends it; a literal plus is %2B.
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("plain"), "&limit=1000")).size(), 1);
    QCOMPARE(textsOf(callAs(port, ana, "GET", "/api/v2/search?q=plain+words")).size(), 1);
    QCOMPARE(textsOf(callAs(port, ana, "GET", "/api/v2/search?q=%22plain+words%22")).size(), 1);
    QCOMPARE(textsOf(callAs(port, ana, "GET", "/api/v2/search?q=%22plain%2Bwords%22")).size(), 0);
    // Without a token: 401.
    QCOMPARE(call(port, "GET", "/api/v2/search?q=plain").status, 401);
}

void TestHubSearch::pagesFollowNextBefore()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    constexpr int Posted = 25;
    for (int i = 0; i < Posted; ++i) {
        postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("page item %1 条目").arg(i));
        postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("filler %1").arg(i));
    }
    for (const QString &query : {QStringLiteral("item"), QStringLiteral("条目")}) {
        QStringList seen;
        QByteArray before;
        int pages = 0;
        for (;;) {
            const Response page = search(port, ana, query, "&limit=10" + before);
            QCOMPARE(page.status, 200);
            seen += textsOf(page);
            ++pages;
            const QJsonObject body = page.json();
            if (!body.value(QLatin1StringView("hasMore")).toBool())
                break;
            before = "&before="
                + QByteArray::number(
                         qint64(body.value(QLatin1StringView("nextBefore")).toDouble()));
            QVERIFY(pages < 10);
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen.size(), Posted);
        for (int i = 0; i < Posted; ++i)
            QCOMPARE(seen.at(i), QStringLiteral("page item %1 条目").arg(Posted - 1 - i));
    }
}

void TestHubSearch::historyAroundAMessage()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    std::vector<qint64> ids;
    for (int i = 0; i < 20; ++i)
        ids.push_back(postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("m%1").arg(i)));

    const auto pageAround = [&](qint64 id, int limit) {
        return callAs(port, ana, "GET",
                      messagesPath(QStringLiteral("lobby")) + "?around=" + QByteArray::number(id)
                          + "&limit=" + QByteArray::number(limit));
    };
    const auto idsOf = [](const Response &page) {
        std::vector<qint64> list;
        for (const QJsonValue &event : page.json().value(QLatin1StringView("events")).toArray())
            list.push_back(qint64(event.toObject()
                                      .value(QLatin1StringView("data"))
                                      .toObject()
                                      .value(QLatin1StringView("id"))
                                      .toDouble()));
        return list;
    };
    Response middle = pageAround(ids[10], 5);
    QCOMPARE(middle.status, 200);
    QCOMPARE(idsOf(middle), (std::vector<qint64> {ids[8], ids[9], ids[10], ids[11], ids[12]}));
    QCOMPARE(middle.json().value(QLatin1StringView("hasMore")).toBool(), true);
    QCOMPARE(middle.json().value(QLatin1StringView("hasNewer")).toBool(), true);
    // Near the newest: the page fills with older messages.
    Response newest = pageAround(ids[19], 5);
    QCOMPARE(idsOf(newest), (std::vector<qint64> {ids[15], ids[16], ids[17], ids[18], ids[19]}));
    QCOMPARE(newest.json().value(QLatin1StringView("hasNewer")).toBool(), false);
    // Near the oldest (the join comes first): newer ones.
    Response oldest = pageAround(ids[0], 4);
    QCOMPARE(idsOf(oldest).size(), size_t(4));
    QCOMPARE(idsOf(oldest).at(1), ids[0]);
    QCOMPARE(oldest.json().value(QLatin1StringView("hasMore")).toBool(), false);
    // Forward from the middle page's newest, up to the newest message.
    const Response forward = callAs(port, ana, "GET",
                                    messagesPath(QStringLiteral("lobby"))
                                        + "?after=" + QByteArray::number(ids[12]) + "&limit=10");
    QCOMPARE(idsOf(forward), (std::vector<qint64>(ids.begin() + 13, ids.end())));
    QCOMPARE(forward.json().value(QLatin1StringView("hasNewer")).toBool(), false);
    QCOMPARE(callAs(port, ana, "GET",
                    messagesPath(QStringLiteral("lobby")) + "?after=" + QByteArray::number(ids[12])
                        + "&limit=3")
                 .json()
                 .value(QLatin1StringView("hasNewer"))
                 .toBool(),
             true);
    QCOMPARE(callAs(port, ana, "GET", messagesPath(QStringLiteral("lobby")) + "?after=1&around=2")
                 .status,
             400);
    QCOMPARE(pageAround(999999, 5).errorCode(), QStringLiteral("unknown_message"));
    QCOMPARE(pageAround(0, 5).status, 400);
    QCOMPARE(callAs(port, ana, "GET", messagesPath(QStringLiteral("lobby")) + "?around=x").status,
             400);
}

void TestHubSearch::oldDataDirectoryIsIndexedInTheBackground()
{
    QTemporaryDir dataDir;
    constexpr int Messages = 3000;
    {
        HubFixture fixture(unlimitedRate(), dataDir.path());
        QVERIFY2(fixture.started(), qPrintable(fixture.error));
        const Session ana = signInToHub(fixture.port(), QStringLiteral("ana"));
        postTo(fixture.port(), ana, QStringLiteral("lobby"), QStringLiteral("first 第一"));
    }
    {
        // Now make it a data directory from before search (no index, no triggers), and give it
        // enough messages that indexing takes several batches.
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old-datadir"));
        db.setDatabaseName(dataDir.filePath(QStringLiteral("hub.sqlite")));
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const char *statement :
             {"DROP TRIGGER search_update", "DROP TRIGGER search_delete", "DROP TABLE search_fts",
              "DELETE FROM meta WHERE key LIKE 'search_indexed_%'", "BEGIN"})
            QVERIFY2(query.exec(QString::fromLatin1(statement)), statement);
        query.prepare(QStringLiteral(
            "INSERT INTO events (conversation, kind, member_id, member_name, text, ts)"
            " VALUES ('lobby', 'message', 'm_old', 'old', ?, 1700000000000)"));
        for (int i = 0; i < Messages; ++i) {
            query.addBindValue(QStringLiteral("old message %1 旧消息").arg(i));
            QVERIFY(query.exec());
        }
        QVERIFY(query.exec(QStringLiteral("COMMIT")));
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("old-datadir"));

    HubFixture fixture(unlimitedRate(), dataDir.path());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session bo = signInToHub(port, QStringLiteral("bo"));
    // Right away: the hub answers, and search finds old messages (by scanning) while indexing.
    postTo(port, bo, QStringLiteral("lobby"), QStringLiteral("new message 新消息"));
    Response early = search(port, bo, QStringLiteral("message"), "&limit=3");
    QCOMPARE(early.status, 200);
    QCOMPARE(textsOf(early).size(), 3);
    QCOMPARE(textsOf(early).at(0), QStringLiteral("new message 新消息"));
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("第一"))),
             QStringList {QStringLiteral("first 第一")});
    QTRY_VERIFY_WITH_TIMEOUT(!search(port, bo, QStringLiteral("message"))
                                  .json()
                                  .value(QLatin1StringView("indexing"))
                                  .toBool(),
                             WaitMs);
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("old message 1234 "))).size(), 1);
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("\"old message 1234 \""))),
             QStringList {QStringLiteral("old message 1234 旧消息")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("\"message 0 \""))),
             QStringList {QStringLiteral("old message 0 旧消息")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("第一"))),
             QStringList {QStringLiteral("first 第一")});
    QCOMPARE(textsOf(search(port, bo, QStringLiteral("旧消息"), "&limit=50")).size(), 50);

    // The index stays in step after a restart (triggers in the file, nothing left to backfill).
    QVERIFY(fixture.restart());
    const Session cy = signInToHub(fixture.port(), QStringLiteral("cy"));
    QCOMPARE(search(fixture.port(), cy, QStringLiteral("old message 2999"))
                 .json()
                 .value(QLatin1StringView("indexing"))
                 .toBool(),
             false);
    QCOMPARE(textsOf(search(fixture.port(), cy, QStringLiteral("\"old message 2999 \""))).size(),
             1);
}

// The store under the routes: the trigram index (every scope, as on a large hub), the scan of a
// small scope, the scan below a backfill in progress and the scan of the new messages not indexed
// yet (the tail) must find exactly the same messages, after posts, edits and deletions on either
// side of the indexed range's upper end.
void TestHubSearch::everyPathFindsTheSameMessages()
{
    QTemporaryDir dir;
    SqliteChatStore store(QStringLiteral("search-paths"));
    QString error;
    QVERIFY2(store.open(dir.path(), &error), qPrintable(error));
    SqliteSearchIndex &index = store.sqliteSearchIndex();
    QVERIFY(index.hasIndex());
    const Member ana {QStringLiteral("m_ana"), QStringLiteral("Ana")};
    const QStringList texts {
        QStringLiteral("明天部署方案"),     QStringLiteral("Deploy the server"),
        QStringLiteral("部署完成了吗"),     QStringLiteral("the DEPLOYMENT is done"),
        QStringLiteral("lunch 午饭 later"), QStringLiteral("server room 机房"),
    };
    std::vector<qint64> ids;
    const auto post = [&](int round) {
        for (const QString &text : texts) {
            MessageEvent message {0,   round % 2 ? QStringLiteral("a") : QStringLiteral("b"),
                                  ana, text + QStringLiteral(" #%1").arg(round),
                                  1,   {}};
            QVERIFY(store.appendMessage(message));
            ids.push_back(message.id);
        }
    };
    const auto change = [&](qint64 id, const QString &conversation, const QString &text) {
        if (text.isEmpty()) {
            MessageDeletedEvent deletion {0, conversation, id, ana, 3};
            QVERIFY(store.appendDelete(deletion));
        } else {
            MessageEditedEvent edit {0, conversation, id, ana, text, 2};
            QVERIFY(store.appendEdit(edit));
        }
    };
    const auto idsFound = [&](const QStringList &terms, const QStringList &scope) {
        SearchIndex::Query query;
        query.terms = terms;
        query.conversations = scope;
        query.limit = 1000;
        std::vector<qint64> found;
        for (const auto &hit : index.search(query).hits)
            found.push_back(hit.message.id);
        return found;
    };
    const QList<QStringList> queries {
        {QStringLiteral("部署")},        {QStringLiteral("部署方案")},
        {QStringLiteral("deploy")},      {QStringLiteral("ploy"), QStringLiteral("the")},
        {QStringLiteral("server 机房")}, {QStringLiteral("改期")},
        {QStringLiteral("moved")},       {QStringLiteral("#1"), QStringLiteral("lunch")},
        {QStringLiteral("Deploy the")},  {QStringLiteral("zzz")},
        {QStringLiteral("午饭")},        {QStringLiteral("later")},
    };
    const QList<QStringList> scopes {{QStringLiteral("a"), QStringLiteral("b")},
                                     {QStringLiteral("b")}};
    const auto pathsAgree = [&](const char *when) {
        for (const QStringList &scope : scopes) {
            for (const QStringList &terms : queries) {
                index.setSmallScopeEvents(1000000);
                const std::vector<qint64> scanned = idsFound(terms, scope);
                index.setSmallScopeEvents(0);
                const std::vector<qint64> indexed = idsFound(terms, scope);
                QVERIFY2(scanned == indexed,
                         qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(when),
                                                                 terms.join(QLatin1Char(' ')))));
            }
        }
    };

    for (int round = 0; round < 30; ++round)
        post(round);
    // Nothing is in the index yet: every path scans the tail.
    QCOMPARE(index.tailIds(), qint64(180));
    change(ids[0], QStringLiteral("b"), QStringLiteral("改期 moved"));
    change(ids[1], QStringLiteral("b"), QString());
    pathsAgree("all in the tail");

    // Half of it indexed: the tail's edits are taken in as they are now.
    QVERIFY(index.catchUpStep(90));
    QVERIFY(index.tailIds() > 0);
    pathsAgree("half indexed");
    // Changes on both sides of the range's end: inside, the triggers swap the text in the index;
    // above it, they leave the index alone and the next step reads the text as it is by then.
    change(ids[4], QStringLiteral("b"), QStringLiteral("改期 lunch moved"));
    change(ids[5], QStringLiteral("b"), QString());
    change(ids[160], QStringLiteral("b"), QStringLiteral("moved 午饭 later"));
    change(ids[161], QStringLiteral("b"), QString());
    pathsAgree("changed on both sides");

    while (index.catchUpStep(1000)) { }
    QCOMPARE(index.tailIds(), qint64(0));
    pathsAgree("all indexed");
    // Changes of indexed messages, and new posts in a tail again.
    change(ids[160], QStringLiteral("b"), QStringLiteral("部署方案 again"));
    change(ids[3], QStringLiteral("b"), QString());
    post(30);
    QCOMPARE(index.tailIds(), qint64(8)); // two changes and six posts
    pathsAgree("indexed, changed, a new tail");

    index.setSmallScopeEvents(0);
    QCOMPARE(idsFound({QStringLiteral("部署方案")}, scopes[0]).size(),
             size_t(31)); // one edited away, one in
    QCOMPARE(idsFound({QStringLiteral("改期")}, scopes[0]), (std::vector<qint64> {ids[4], ids[0]}));
    QCOMPARE(idsFound({QStringLiteral("Deploy the server")}, scopes[0]).size(), size_t(30));
    QCOMPARE(idsFound({QStringLiteral("deployment")}, scopes[1]).size(), size_t(15));
}

// A post does not wait for the index: the hub indexes what was posted in a batch a little later,
// between requests (its progress is in the data file, `meta`), and search finds the messages
// before and after.
void TestHubSearch::newMessagesAreIndexedBetweenRequests()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const QString lobby = QStringLiteral("lobby");
    const auto indexedUpTo = [&fixture] {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("indexed-upto"));
        db.setDatabaseName(QDir(fixture.dataDir()).filePath(QStringLiteral("hub.sqlite")));
        qint64 upTo = -1;
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(
                    QStringLiteral("SELECT value FROM meta WHERE key = 'search_indexed_upto'"))
                && query.next())
                upTo = query.value(0).toLongLong();
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("indexed-upto"));
        return upTo;
    };
    qint64 last = 0;
    for (int i = 0; i < 5; ++i) {
        last = postTo(port, ana, lobby, QStringLiteral("batch %1 批量").arg(i));
        QCOMPARE(textsOf(search(port, ana, QStringLiteral("batch %1").arg(i))).size(), 1);
    }
    QTRY_VERIFY_WITH_TIMEOUT(indexedUpTo() >= last, WaitMs);
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("批量"))).size(), 5);
    QCOMPARE(textsOf(search(port, ana, QStringLiteral("batch 3"))),
             QStringList {QStringLiteral("batch 3 批量")});
}

// A data directory whose index a trigger fed at every post (the first layout of search) is taken
// over as it is: nothing is indexed twice or left out, and new messages go the batched way.
void TestHubSearch::indexOfTheTriggerLayoutIsAdopted()
{
    QTemporaryDir dir;
    const Member ana {QStringLiteral("m_ana"), QStringLiteral("Ana")};
    {
        SqliteChatStore store(QStringLiteral("trigger-layout"));
        QString error;
        QVERIFY2(store.open(dir.path(), &error), qPrintable(error));
        QSqlQuery query(QSqlDatabase::database(QStringLiteral("trigger-layout")));
        // That layout: an insert trigger, and no upper end of the range in `meta`.
        for (const char *statement :
             {"DELETE FROM meta WHERE key = 'search_indexed_upto'",
              "CREATE TRIGGER search_insert AFTER INSERT ON events"
              " WHEN new.kind = 'message' AND new.deleted = 0 AND new.text IS NOT NULL"
              " BEGIN INSERT INTO search_fts (rowid, text) VALUES (new.seq, new.text); END",
              "DROP TRIGGER search_update", "DROP TRIGGER search_delete"})
            QVERIFY2(query.exec(QString::fromLatin1(statement)), statement);
        query.finish();
        for (int i = 0; i < 20; ++i) {
            MessageEvent message {0,   QStringLiteral("lobby"),
                                  ana, QStringLiteral("trigger era %1 旧版").arg(i),
                                  1,   {}};
            QVERIFY(store.appendMessage(message));
        }
        store.close();
    }
    SqliteChatStore store(QStringLiteral("trigger-adopted"));
    QString error;
    QVERIFY2(store.open(dir.path(), &error), qPrintable(error));
    SqliteSearchIndex &index = store.sqliteSearchIndex();
    QVERIFY(index.hasIndex());
    QVERIFY(!index.backfilling());
    QCOMPARE(index.tailIds(), qint64(0));
    QSqlQuery triggers(QSqlDatabase::database(QStringLiteral("trigger-adopted")));
    QVERIFY(triggers.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                         " ORDER BY name")));
    QStringList names;
    while (triggers.next())
        names.append(triggers.value(0).toString());
    triggers.finish();
    QCOMPARE(names,
             (QStringList {QStringLiteral("search_delete"), QStringLiteral("search_update")}));

    MessageEvent fresh {0, QStringLiteral("lobby"), ana, QStringLiteral("batched era 新版"), 1, {}};
    QVERIFY(store.appendMessage(fresh));
    QCOMPARE(index.tailIds(), qint64(1));
    index.setSmallScopeEvents(0);
    const auto count = [&index](const QString &term) {
        SearchIndex::Query query;
        query.terms = {term};
        query.conversations = {QStringLiteral("lobby")};
        query.limit = 50;
        return index.search(query).hits.size();
    };
    QCOMPARE(count(QStringLiteral("era")), size_t(21));
    QCOMPARE(count(QStringLiteral("旧版")), size_t(20));
    QVERIFY(!index.catchUpStep(100));
    QCOMPARE(index.tailIds(), qint64(0));
    QCOMPARE(count(QStringLiteral("era")), size_t(21));
    QCOMPARE(count(QStringLiteral("新版")), size_t(1));
    QCOMPARE(count(QStringLiteral("trigger era 7 ")), size_t(1));
}

QTEST_GUILESS_MAIN(TestHubSearch)
#include "tst_hubsearch.moc"
