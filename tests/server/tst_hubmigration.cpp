// Upgrading a data directory written by API v1 (store schema 1, one sequence per room) to the
// conversation model (schema 2, one hub-wide sequence): tests/server/fixtures/v1-datadir, made
// by the v1 code, is copied and opened by a hub of today. Nothing may be lost, and a client that
// resumes with an id from before the upgrade must get `reset`, never a silent gap.

#include "hubtestkit.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using namespace confab::test;

namespace {

// From tests/server/fixtures/README.md.
const Session AnaLobby {"nwwbKP5-8RNaz0yiluZc-nq9QwVMr8Oh2TPZKdteCIc",
                        QStringLiteral("m_7ce7d0ccccd85e1e"), QStringLiteral("Ana")};
const Session BoLobby {"DA0xcIvS2YYbKBUvEzM7Ii_Oxby6c4HEoESqOPJ3_MM",
                       QStringLiteral("m_5ad44b756c979d6f"), QStringLiteral("Bo")};
const Session AnaLab {"FSnWzqDV95fOofz2V4WPIFjFBFCOJIx3dtZbc-42bUk",
                      QStringLiteral("m_5c6f042f3d632013"), QStringLiteral("Ana")};
const Session BoLab {"_ToYvmCWGzYo57ze0aedLWb75ZC5Ak4sz-UXmQH90nU",
                     QStringLiteral("m_3d95d94863a859a5"), QStringLiteral("Bo")};
const QString CyId = QStringLiteral("m_f318b93f4f04bc8b");
constexpr int FixtureEvents = 12; // 8 in lobby, 4 in lab

QList<QPair<QByteArray, QByteArray>> bearer(const Session &session)
{
    return {qMakePair(QByteArrayLiteral("Authorization"), "Bearer " + session.token)};
}

QJsonObject dataOf(const SseParser::Event &event)
{
    return QJsonDocument::fromJson(event.data.toUtf8()).object();
}

HubSettings fixtureSettings()
{
    HubSettings settings;
    settings.roomIds = {QStringLiteral("lobby"), QStringLiteral("lab")};
    settings.messagesPerSecond = 0;
    // The fixture's sessions were last used on 2026-11-30; keep them valid for a century.
    settings.sessionExpiryDays = 36500;
    return settings;
}

// A copy of the committed fixture (never open the committed file itself).
bool copyFixture(const QTemporaryDir &dir)
{
    return QFile::copy(QStringLiteral(CONFAB_FIXTURES_DIR "/v1-datadir/hub.sqlite"),
                       dir.filePath(QStringLiteral("hub.sqlite")));
}

struct Row
{
    QString type;
    qint64 id = 0;
    QString who; // member id
    QString what; // text, or the presence state
};

std::vector<Row> history(quint16 port, const Session &session, const QByteArray &room)
{
    std::vector<Row> rows;
    const Response page
        = call(port, "GET", "/api/v1/rooms/" + room + "/messages?limit=200", {}, bearer(session));
    if (page.status != 200)
        return rows;
    for (const QJsonValue &value : page.json().value(QLatin1StringView("events")).toArray()) {
        const QJsonObject event = value.toObject();
        const QJsonObject data = event.value(QLatin1StringView("data")).toObject();
        Row row;
        row.type = event.value(QLatin1StringView("type")).toString();
        row.id = qint64(data.value(QLatin1StringView("id")).toDouble());
        if (row.type == QLatin1StringView("message")) {
            row.who = data.value(QLatin1StringView("from"))
                          .toObject()
                          .value(QLatin1StringView("id"))
                          .toString();
            row.what = data.value(QLatin1StringView("text")).toString();
        } else {
            row.who = data.value(QLatin1StringView("member"))
                          .toObject()
                          .value(QLatin1StringView("id"))
                          .toString();
            row.what = data.value(QLatin1StringView("state")).toString();
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace

class TestHubMigration : public QObject
{
    Q_OBJECT
private slots:
    void everythingKeptInOrder();
    void sessionsAndDeduplicationSurvive();
    void resumeFromBeforeTheUpgradeResets();
    void upgradeHappensOnce();
    void newerSchemaIsRefused();
};

void TestHubMigration::everythingKeptInOrder()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir));
    HubFixture fixture(fixtureSettings(), dir.path());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));

    const std::vector<Row> lobby = history(fixture.port(), AnaLobby, "lobby");
    const std::vector<std::pair<QString, QString>> expectedLobby {
        {AnaLobby.memberId, QStringLiteral("join")},
        {BoLobby.memberId, QStringLiteral("join")},
        {CyId, QStringLiteral("join")},
        {AnaLobby.memberId, QStringLiteral("hello from Ana")},
        {BoLobby.memberId, QStringLiteral("你好，Ana！今天开会吗？")},
        {AnaLobby.memberId, QStringLiteral("first line\nsecond line")},
        {CyId, QStringLiteral("Cy says bye")},
        {CyId, QStringLiteral("leave")},
    };
    QCOMPARE(lobby.size(), expectedLobby.size());
    for (size_t i = 0; i < lobby.size(); ++i) {
        QCOMPARE(lobby[i].who, expectedLobby[i].first);
        QCOMPARE(lobby[i].what, expectedLobby[i].second);
        if (i > 0)
            QVERIFY(lobby[i].id > lobby[i - 1].id);
    }

    const std::vector<Row> lab = history(fixture.port(), AnaLab, "lab");
    QCOMPARE(lab.size(), size_t(4));
    QCOMPARE(lab[2].what, QStringLiteral("lab: the projector works again"));
    QCOMPARE(lab[3].what, QStringLiteral("实验室见 🙂"));
    QCOMPARE(lab[3].who, BoLab.memberId);
    // One hub-wide sequence: no id is used twice across the two rooms.
    QList<qint64> ids;
    for (const Row &row : lobby)
        ids.append(row.id);
    for (const Row &row : lab) {
        QVERIFY(!ids.contains(row.id));
        ids.append(row.id);
    }
    QCOMPARE(ids.size(), FixtureEvents);

    // Members and rooms: both rooms, two members each (Cy left before the upgrade).
    const Response rooms = call(fixture.port(), "GET", "/api/v1/rooms");
    QCOMPARE(rooms.status, 200);
    for (const QJsonValue &value : rooms.json().value(QLatin1StringView("rooms")).toArray())
        QCOMPARE(value.toObject().value(QLatin1StringView("members")).toInt(), 2);
    const Response members
        = call(fixture.port(), "GET", "/api/v1/rooms/lobby/members", {}, bearer(BoLobby));
    QCOMPARE(members.status, 200);
    QStringList memberIds;
    for (const QJsonValue &value : members.json().value(QLatin1StringView("members")).toArray())
        memberIds.append(value.toObject().value(QLatin1StringView("id")).toString());
    memberIds.sort();
    QStringList expectedIds {AnaLobby.memberId, BoLobby.memberId};
    expectedIds.sort();
    QCOMPARE(memberIds, expectedIds);
}

void TestHubMigration::sessionsAndDeduplicationSurvive()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir));
    HubFixture fixture(fixtureSettings(), dir.path());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();

    // Tokens are still for their own room only, as in v1.
    QCOMPARE(call(port, "GET", "/api/v1/rooms/lab/messages", {}, bearer(AnaLobby)).status, 401);

    // A retry of a message posted before the upgrade: the same id and ts, nothing new.
    const std::vector<Row> before = history(port, AnaLobby, "lobby");
    const Response retry
        = post(port, AnaLobby, QStringLiteral("hello from Ana"), QStringLiteral("c-ana-1"));
    QCOMPARE(retry.status, 201);
    QCOMPARE(qint64(retry.json().value(QLatin1StringView("id")).toDouble()), before[3].id);
    QCOMPARE(history(port, AnaLobby, "lobby").size(), before.size());

    // New events continue the hub-wide sequence after every migrated one.
    const Response fresh = post(port, BoLab, QStringLiteral("after the upgrade"),
                                QStringLiteral("c-bo-lab-2"), QStringLiteral("lab"));
    QCOMPARE(fresh.status, 201);
    QCOMPARE(qint64(fresh.json().value(QLatin1StringView("id")).toDouble()),
             qint64(FixtureEvents + 1));
    // The names of members still signed in stay taken once they are online, as before.
    QCOMPARE(signIn(port, QStringLiteral("Cy")).memberId.isEmpty(), false);
}

void TestHubMigration::resumeFromBeforeTheUpgradeResets()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir));
    HubFixture fixture(fixtureSettings(), dir.path());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();

    // Lobby's v1 stream had ids 1..8; 6 was a v1 id (Ana's two-line message).
    StreamReader old(port, {AnaLobby.token, QStringLiteral("lobby"), QByteArrayLiteral("6")});
    QVERIFY(old.waitForEvents(1));
    QCOMPARE(old.events().front().type, QStringLiteral("reset"));
    QCOMPARE(dataOf(old.events().front()).value(QLatin1StringView("reason")).toString(),
             QStringLiteral("before_upgrade"));

    // An id handed out after the upgrade resumes exactly, with ids strictly increasing.
    const Response first = post(port, AnaLobby, QStringLiteral("one"), QStringLiteral("n-1"));
    // Another room's event in between: the lobby stream skips its id.
    QCOMPARE(
        post(port, AnaLab, QStringLiteral("lab"), QStringLiteral("n-lab"), QStringLiteral("lab"))
            .status,
        201);
    const Response second = post(port, AnaLobby, QStringLiteral("two"), QStringLiteral("n-2"));
    QCOMPARE(second.status, 201);
    const QByteArray from = first.json().value(QLatin1StringView("id")).toVariant().toByteArray();
    StreamReader resumed(port, {AnaLobby.token, QStringLiteral("lobby"), from});
    QVERIFY(resumed.waitForEvents(1));
    QCOMPARE(resumed.events().front().type, QStringLiteral("message"));
    QCOMPARE(resumed.events().front().lastEventId,
             QString::number(qint64(second.json().value(QLatin1StringView("id")).toDouble())));
    QCOMPARE(dataOf(resumed.events().front()).value(QLatin1StringView("text")).toString(),
             QStringLiteral("two"));
    QCOMPARE(resumed.eventsOfType(QStringLiteral("reset")).size(), size_t(0));
}

void TestHubMigration::upgradeHappensOnce()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir));
    HubFixture fixture(fixtureSettings(), dir.path());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const std::vector<Row> before = history(fixture.port(), AnaLobby, "lobby");
    QVERIFY2(fixture.restart(), qPrintable(fixture.error));
    const std::vector<Row> after = history(fixture.port(), AnaLobby, "lobby");
    QCOMPARE(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i)
        QCOMPARE(after[i].id, before[i].id);
    // A pre-upgrade id still resets after a restart (the floor is stored, not recomputed).
    StreamReader old(fixture.port(),
                     {BoLobby.token, QStringLiteral("lobby"), QByteArrayLiteral("8")});
    QVERIFY(old.waitForEvents(1));
    QCOMPARE(old.events().front().type, QStringLiteral("reset"));
}

void TestHubMigration::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir));
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer-schema"));
        db.setDatabaseName(dir.filePath(QStringLiteral("hub.sqlite")));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=99")));
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("newer-schema"));
    HubFixture fixture(fixtureSettings(), dir.path());
    QVERIFY(!fixture.started());
    QVERIFY2(fixture.error.contains(QLatin1StringView("newer")), qPrintable(fixture.error));
}

QTEST_GUILESS_MAIN(TestHubMigration)
#include "tst_hubmigration.moc"
