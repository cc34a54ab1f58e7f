// The session hand-off over real loopback sockets (docs/protocol.md, "Hand-off"): a member's
// one-time code, its exchange for a second token of the same member, and everything that must
// kill a code (use, expiry, sign-out), plus the redeem rate limit.

#include "hubtestkit.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace confab;
using namespace confab::test;

namespace {

const QByteArray HandoffPath = "/api/v2/session/handoff";
const QByteArray RedeemPath = "/api/v2/session/handoff/redeem";

QByteArray codeBody(const QString &code)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("code"), code}})
        .toJson(QJsonDocument::Compact);
}

Response redeem(quint16 port, const QString &code)
{
    return call(port, "POST", RedeemPath, codeBody(code), {{"Content-Type", "application/json"}});
}

QString issueCode(quint16 port, const Session &session)
{
    const Response issued = callAs(port, session, "POST", HandoffPath);
    if (issued.status != 201)
        return {};
    return issued.json().value(QLatin1StringView("code")).toString();
}

Session sessionOf(const Response &redeemed)
{
    const QJsonObject body = redeemed.json();
    const QJsonObject member = body.value(QLatin1StringView("member")).toObject();
    return Session {body.value(QLatin1StringView("token")).toString().toLatin1(),
                    member.value(QLatin1StringView("id")).toString(),
                    member.value(QLatin1StringView("name")).toString()};
}

// Who the hub takes a token for: the `from` of a message posted with it.
QString authorOf(quint16 port, const Session &session, const QString &text)
{
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("text"), text},
                                                       {QStringLiteral("clientId"), text}})
                                .toJson(QJsonDocument::Compact);
    const Response posted
        = callAs(port, session, "POST", "/api/v2/conversations/lobby/messages", body);
    if (posted.status != 201)
        return {};
    const Response page = callAs(port, session, "GET", "/api/v2/conversations/lobby/messages");
    const QJsonArray events = page.json().value(QLatin1StringView("events")).toArray();
    for (const QJsonValue &event : events) {
        const QJsonObject data = event.toObject().value(QLatin1StringView("data")).toObject();
        if (data.value(QLatin1StringView("text")).toString() == text)
            return data.value(QLatin1StringView("from"))
                .toObject()
                .value(QLatin1StringView("id"))
                .toString();
    }
    return {};
}

} // namespace

class HubHandoffTest : public QObject
{
    Q_OBJECT
private slots:
    void codeRedeemsOnceToTheSameMember();
    void codeNeedsASession();
    void expiredCodeIsRefused();
    void signOutKillsCodes();
    void handedOffSessionEndsAlone();
    void handedOffSessionSurvivesRestart();
    void badRedeemBodies();
    void redeemIsRateLimitedPerPeer();
};

void HubHandoffTest::codeRedeemsOnceToTheSameMember()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    QVERIFY(!ana.token.isEmpty() && !cy.token.isEmpty());

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const Response issued = callAs(port, ana, "POST", HandoffPath);
    QCOMPARE(issued.status, 201);
    const QString code = issued.json().value(QLatin1StringView("code")).toString();
    // 128 bits in unpadded base64url.
    QCOMPARE(code.size(), 22);
    QVERIFY(QByteArray::fromBase64Encoding(code.toLatin1(),
                                           QByteArray::Base64UrlEncoding
                                               | QByteArray::AbortOnBase64DecodingErrors)
                .decodingStatus
            == QByteArray::Base64DecodingStatus::Ok);
    const qint64 expires = qint64(issued.json().value(QLatin1StringView("expires")).toDouble());
    QVERIFY(expires >= before + 55000 && expires <= QDateTime::currentMSecsSinceEpoch() + 60000);
    QVERIFY(issueCode(port, ana) != code); // every code is new

    const Response redeemed = redeem(port, code);
    QCOMPARE(redeemed.status, 201);
    const Session browser = sessionOf(redeemed);
    QCOMPARE(browser.memberId, ana.memberId);
    QCOMPARE(browser.name, QStringLiteral("Ana"));
    QVERIFY(!browser.token.isEmpty());
    QVERIFY(browser.token != ana.token);
    QVERIFY(!redeemed.json().value(QLatin1StringView("hubInstance")).toString().isEmpty());

    // The new token is Ana; the old one still is too.
    QCOMPARE(authorOf(port, browser, QStringLiteral("from the browser")), ana.memberId);
    QCOMPARE(authorOf(port, ana, QStringLiteral("from the window")), ana.memberId);

    // Dead after one use, for Ana's browser and for a third member alike.
    const Response again = redeem(port, code);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.errorCode(), QStringLiteral("unknown_code"));
    const Response byCy
        = call(port, "POST", RedeemPath, codeBody(code),
               {{"Authorization", "Bearer " + cy.token}, {"Content-Type", "application/json"}});
    QCOMPARE(byCy.status, 404);
    QCOMPARE(byCy.errorCode(), QStringLiteral("unknown_code"));
    QCOMPARE(redeem(port, QStringLiteral("AAAAAAAAAAAAAAAAAAAAAA")).status, 404);
}

void HubHandoffTest::codeNeedsASession()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Response anonymous = call(fixture.port(), "POST", HandoffPath);
    QCOMPARE(anonymous.status, 401);
    // A v1 (one-room) session has nothing the v2 page could take over.
    const Session roomOnly = signIn(fixture.port(), QStringLiteral("Old"));
    const Response v1 = callAs(fixture.port(), roomOnly, "POST", HandoffPath);
    QCOMPARE(v1.status, 400);
    QCOMPARE(v1.errorCode(), QStringLiteral("bad_request"));
}

void HubHandoffTest::expiredCodeIsRefused()
{
    HubSettings settings;
    settings.handoffCodeLifetimeMs = 300;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    const QString stale = issueCode(fixture.port(), ana);
    const QString fresh = issueCode(fixture.port(), ana);
    QVERIFY(!stale.isEmpty());
    QTest::qWait(600);
    const Response late = redeem(fixture.port(), stale);
    QCOMPARE(late.status, 404);
    QCOMPARE(late.errorCode(), QStringLiteral("unknown_code"));
    // A code issued now is good for its own lifetime.
    const QString now = issueCode(fixture.port(), ana);
    QCOMPARE(redeem(fixture.port(), now).status, 201);
    QCOMPARE(redeem(fixture.port(), fresh).status, 404);
}

void HubHandoffTest::signOutKillsCodes()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    const QString code = issueCode(fixture.port(), ana);
    QVERIFY(!code.isEmpty());
    QCOMPARE(callAs(fixture.port(), ana, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(redeem(fixture.port(), code).status, 404);
}

void HubHandoffTest::handedOffSessionEndsAlone()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session browser = sessionOf(redeem(port, issueCode(port, ana)));
    QCOMPARE(browser.memberId, ana.memberId);

    // The browser signs out: its token dies, the window's session (and membership) stays.
    QCOMPARE(callAs(port, browser, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(callAs(port, browser, "GET", "/api/v2/conversations").status, 401);
    QCOMPARE(authorOf(port, ana, QStringLiteral("still here")), ana.memberId);

    // The last session ends the member as before.
    QCOMPARE(callAs(port, ana, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(callAs(port, ana, "GET", "/api/v2/conversations").status, 401);
}

void HubHandoffTest::handedOffSessionSurvivesRestart()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    const Session browser = sessionOf(redeem(fixture.port(), issueCode(fixture.port(), ana)));
    const QString unused = issueCode(fixture.port(), ana);
    QVERIFY(fixture.restart());
    QCOMPARE(authorOf(fixture.port(), browser, QStringLiteral("browser after restart")),
             ana.memberId);
    QCOMPARE(authorOf(fixture.port(), ana, QStringLiteral("window after restart")), ana.memberId);
    // Codes live in memory only: a restart voids them.
    QCOMPARE(redeem(fixture.port(), unused).status, 404);
}

void HubHandoffTest::badRedeemBodies()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Response notJson = call(fixture.port(), "POST", RedeemPath, "code=1",
                                  {{"Content-Type", "application/json"}});
    QCOMPARE(notJson.status, 400);
    QCOMPARE(notJson.errorCode(), QStringLiteral("bad_json"));
    for (const QByteArray &body :
         {QByteArray("{}"), QByteArray("{\"code\":7}"), QByteArray("{\"code\":\"\"}")}) {
        const Response refused = call(fixture.port(), "POST", RedeemPath, body,
                                      {{"Content-Type", "application/json"}});
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.errorCode(), QStringLiteral("bad_request"));
    }
}

void HubHandoffTest::redeemIsRateLimitedPerPeer()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    const QString good = issueCode(fixture.port(), ana);
    // The burst (10) of wrong guesses is answered 404; the next attempt, even with a good code,
    // is refused with 429 and Retry-After, and the good code is not spent by it.
    int notFound = 0;
    Response refused;
    for (int attempt = 0; attempt < 30; ++attempt) {
        refused = redeem(fixture.port(), QStringLiteral("guess%1").arg(attempt));
        if (refused.status != 404)
            break;
        ++notFound;
    }
    QCOMPARE(notFound, 10);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(refused.header("Retry-After").toInt() >= 1);
    QCOMPARE(redeem(fixture.port(), good).status, 429);
    QTest::qWait(2200); // one token back at 0.5/s
    QCOMPARE(redeem(fixture.port(), good).status, 201);
}

QTEST_GUILESS_MAIN(HubHandoffTest)
#include "tst_hubhandoff.moc"
