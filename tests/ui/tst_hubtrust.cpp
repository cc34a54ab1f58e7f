// TLS in the window (issue 11) against real hubs on 127.0.0.1: the host's window shows both join
// addresses and the fingerprint, and its own member joins over TLS pinned to the hub's identity;
// joining by address asks the first time (trust on first use), then remembers, and a hub with
// another identity on the same address gives a warning and no connection; a #fp= link pins
// without asking.

#include "chatpage.h"
#include "hostinfopanel.h"
#include "hubconnection.h"
#include "hubhost.h"
#include "hubtrust.h"
#include "hubtrustcheck.h"
#include "mainwindow.h"
#include "qrcodewidget.h"
#include "roomhost.h"
#include "startpage.h"
#include "translations.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace confab;

namespace {

constexpr int NetworkWaitMs = 30000;
constexpr int DialogPollMs = 20;

bool isLive(const MainWindow &window)
{
    return window.connection() && window.connection()->state() == HubConnection::State::Live;
}

// With CONFAB_SCREENSHOT_DIR set, key moments are saved as PNGs for a person to look at.
void saveScreenshot(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QApplication::processEvents();
    widget.grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

// Watches for the trust dialogs while a join runs: records each one (its name and texts) and
// answers it with the button whose text is answer (empty: the reject/close button).
class DialogAnswerer : public QObject
{
public:
    explicit DialogAnswerer(QString answer, QString screenshot = {})
        : m_answer(std::move(answer))
        , m_screenshot(std::move(screenshot))
    {
        connect(&m_timer, &QTimer::timeout, this, &DialogAnswerer::poll);
        m_timer.start(DialogPollMs);
    }

    QStringList seen; // objectName of each dialog answered
    QString text; // text and informative text of the last one

private:
    void poll()
    {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || box->property("answered").toBool())
            return;
        box->setProperty("answered", true);
        seen.append(box->objectName());
        text = box->text() + u'\n' + box->informativeText();
        if (!m_screenshot.isEmpty())
            saveScreenshot(*box, m_screenshot);
        for (QAbstractButton *button : box->buttons()) {
            const QMessageBox::ButtonRole role = box->buttonRole(button);
            const bool reject = m_answer.isEmpty()
                && (role == QMessageBox::RejectRole || box->standardButton(button) != 0);
            if (reject || (!m_answer.isEmpty() && button->text() == m_answer)) {
                button->click();
                return;
            }
        }
        QFAIL("no such button");
    }

    QString m_answer;
    QString m_screenshot;
    QTimer m_timer;
};

std::unique_ptr<HubHost> startHub(const QString &dataDir, quint16 port,
                                  HubHost::Tls tls = HubHost::Tls::Preferred)
{
    auto host = std::make_unique<HubHost>();
    HubHost::Options options;
    options.bindAddress = QHostAddress(QHostAddress::LocalHost);
    options.port = port;
    options.title = QStringLiteral("Trusted Room");
    options.dataDir = dataDir;
    options.announce = false;
    options.tls = tls;
    QString error;
    if (!host->start(options, &error)) {
        qWarning() << "hub did not start:" << error;
        return nullptr;
    }
    return host;
}

void joinByAddress(MainWindow &window, const QString &address)
{
    window.startPage()->nameField()->setText(QStringLiteral("Bo"));
    window.startPage()->addressField()->setText(address);
    window.startPage()->requestJoinAddress();
}

} // namespace

class TestHubTrust : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void hostWindowShowsBothAddressesAndJoinsItsOwnHubOverPinnedTls();
    void firstJoinAsksThenRemembersAndAChangedIdentityWarns();
    void linkWithFingerprintPinsWithoutAsking();
    void hubWithoutTlsIsJoinedPlainOnlyIfNoIdentityWasRemembered();
};

void TestHubTrust::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and data never touch the user's
    QCoreApplication::setApplicationName(QStringLiteral("tst_hubtrust"));
    QSettings().remove(QStringLiteral("trustedHubs")); // settings outlive a test run
    // CONFAB_TEST_LANGUAGE=zh_CN: the same run in Chinese (for screenshots of the dialogs).
    const QString language = qEnvironmentVariable("CONFAB_TEST_LANGUAGE");
    if (!language.isEmpty())
        installTranslations(language);
}

void TestHubTrust::hostWindowShowsBothAddressesAndJoinsItsOwnHubOverPinnedTls()
{
    QTemporaryDir dir;
    MainWindow window;
    window.setDataDir(dir.path());
    window.setHostBindAddress(QHostAddress(QHostAddress::LocalHost));
    window.setAnnounceHostedRooms(false);
    window.resize(1100, 720);
    window.show();
    HostRequest request;
    request.name = QStringLiteral("Ana");
    request.title = QStringLiteral("Lab 3");
    QVERIFY(window.hostRoom(request));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);

    const QString fingerprint = window.roomHost()->fingerprint();
    QCOMPARE(fingerprint.size(), 64);
    // The host's own member is on its hub over TLS, pinned to the hub's own identity.
    QCOMPARE(window.connection()->hubUrl().scheme(), QStringLiteral("https"));
    const quint16 port = window.roomHost()->port();

    HostInfoPanel *info = window.chatPage()->hostInfo();
    const QString https = QStringLiteral("https://127.0.0.1:%1/#fp=%2").arg(port).arg(fingerprint);
    const QString http = QStringLiteral("http://127.0.0.1:%1/").arg(port);
    QCOMPARE(info->shownUrls(), (QList<QUrl> {QUrl(https), QUrl(http)}));
    QCOMPARE(info->fingerprint(), fingerprint);
    QVERIFY(info->tlsExplanation()->isVisible());
    // The fingerprint in its own block: groups of four, four groups a line, whole groups only.
    QVERIFY(info->fingerprintLabel()->isVisible());
    const QStringList lines = info->fingerprintLabel()->text().split(u'\n');
    QCOMPARE(lines.size(), 4);
    for (const QString &line : lines)
        QVERIFY2(QRegularExpression(QStringLiteral("^([0-9a-f]{4} ){3}[0-9a-f]{4}$"))
                     .match(line)
                     .hasMatch(),
                 qPrintable(line));
    QCOMPARE(lines.join(QString()).remove(u' '), fingerprint);
    QVERIFY(!info->tlsExplanation()->text().contains(fingerprint.left(4)));
    // The QR code carries the pinning link.
    QCOMPARE(info->qrCode()->text(), https);
    saveScreenshot(window, QStringLiteral("host-info-panel"));
}

void TestHubTrust::firstJoinAsksThenRemembersAndAChangedIdentityWarns()
{
    QTemporaryDir dirA;
    QTemporaryDir dirB;
    QTemporaryDir joinDir;
    auto hubA = startHub(dirA.path(), 0);
    QVERIFY(hubA);
    const quint16 port = hubA->port();
    const QString fingerprintA = hubA->fingerprint();
    const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
    const QUrl plainUrl(QStringLiteral("http://%1/").arg(address));

    MainWindow window;
    window.setDataDir(joinDir.path());
    window.resize(900, 640);
    window.show();

    {
        // The user says no: nothing joined, nothing remembered, no progress left showing.
        DialogAnswerer answerer({});
        joinByAddress(window, address);
        QTRY_COMPARE_WITH_TIMEOUT(answerer.seen, QStringList {QStringLiteral("firstTrustQuestion")},
                                  NetworkWaitMs);
        QTRY_VERIFY(!window.startPage()->progressLabel()->isVisible());
        QVERIFY(!window.connection());
        QCOMPARE(HubTrustStore().remembered(plainUrl), QString());
    }
    {
        // First time: the fingerprint is shown and the user is asked.
        DialogAnswerer answerer(HubTrustCheck::tr("Trust and Join"),
                                QStringLiteral("tofu-first-join-question"));
        joinByAddress(window, address);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);
        QCOMPARE(answerer.seen, QStringList {QStringLiteral("firstTrustQuestion")});
        QVERIFY2(answerer.text.contains(HubTrustCheck::grouped(fingerprintA)),
                 qPrintable(answerer.text));
        QCOMPARE(window.connection()->hubUrl().scheme(), QStringLiteral("https"));
        QCOMPARE(HubTrustStore().remembered(plainUrl), fingerprintA);
    }
    QVERIFY(window.leaveRoom());

    {
        // Remembered: the same hub joins without a question.
        DialogAnswerer answerer({});
        joinByAddress(window, address);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);
        QVERIFY2(answerer.seen.isEmpty(), qPrintable(answerer.seen.join(u',')));
    }
    QVERIFY(window.leaveRoom());

    // Another hub, with another identity, on the same address.
    hubA->stop(QStringLiteral("test"));
    hubA.reset();
    auto hubB = startHub(dirB.path(), port);
    QVERIFY(hubB);
    const QString fingerprintB = hubB->fingerprint();
    QVERIFY(fingerprintB != fingerprintA);
    {
        DialogAnswerer answerer({}, QStringLiteral("tofu-changed-identity-warning"));
        joinByAddress(window, address);
        QTRY_COMPARE_WITH_TIMEOUT(
            answerer.seen, QStringList {QStringLiteral("changedIdentityWarning")}, NetworkWaitMs);
        // Both fingerprints named, as SSH does.
        QVERIFY2(answerer.text.contains(HubTrustCheck::grouped(fingerprintA))
                     && answerer.text.contains(HubTrustCheck::grouped(fingerprintB)),
                 qPrintable(answerer.text));
    }
    // Not connected: no session, the start page says why, the hub has nobody connected, and
    // the remembered identity is still the old one.
    QVERIFY(!window.connection());
    QTRY_VERIFY(window.startPage()->errorBanner()->isVisible());
    QVERIFY2(window.startPage()->errorBanner()->text().contains(fingerprintB),
             qPrintable(window.startPage()->errorBanner()->text()));
    QTest::qWait(200);
    QCOMPARE(hubB->connectionCount(), 0);
    QCOMPARE(HubTrustStore().remembered(plainUrl), fingerprintA);
    saveScreenshot(window, QStringLiteral("tofu-changed-identity-start-page"));
}

void TestHubTrust::linkWithFingerprintPinsWithoutAsking()
{
    QTemporaryDir hubDir;
    QTemporaryDir otherDir;
    QTemporaryDir joinDir;
    auto other = startHub(otherDir.path(), 0); // only for a second, genuine identity
    QVERIFY(other);
    const QString otherFingerprint = other->fingerprint();
    other.reset();
    auto hub = startHub(hubDir.path(), 0);
    QVERIFY(hub);
    const QString link
        = HubHost::pinnedJoinLink(hub->localUrl(), hub->fingerprint()).toString(QUrl::FullyEncoded);

    MainWindow window;
    window.setDataDir(joinDir.path());
    window.show();
    {
        DialogAnswerer answerer({});
        joinByAddress(window, link);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);
        QVERIFY2(answerer.seen.isEmpty(), qPrintable(answerer.seen.join(u',')));
        QCOMPARE(window.connection()->hubUrl().scheme(), QStringLiteral("https"));
        // Remembered once the hub presented the link's certificate.
        QCOMPARE(HubTrustStore().remembered(hub->localUrl()), hub->fingerprint());
    }
    QVERIFY(window.leaveRoom());

    // A link naming another certificate: the pin refuses the hub during the handshake, and the
    // window stays on the start page with both fingerprints.
    const QString wrongLink
        = HubHost::pinnedJoinLink(hub->localUrl(), otherFingerprint).toString(QUrl::FullyEncoded);
    joinByAddress(window, wrongLink);
    QTRY_VERIFY_WITH_TIMEOUT(window.startPage()->errorBanner()->isVisible(), NetworkWaitMs);
    const QString error = window.startPage()->errorBanner()->text();
    QVERIFY2(error.contains(otherFingerprint) && error.contains(hub->fingerprint()),
             qPrintable(error));
    QVERIFY(!window.connection());
    // The wrong link did not replace the identity the hub proved.
    QCOMPARE(HubTrustStore().remembered(hub->localUrl()), hub->fingerprint());

    // A link whose fingerprint is not one: said at once, nothing started.
    joinByAddress(window, hub->localUrl().toString() + QStringLiteral("#fp=1234"));
    QVERIFY(window.startPage()->errorBanner()->text().contains(QStringLiteral("#fp=")));
    QVERIFY(!window.connection());
}

void TestHubTrust::hubWithoutTlsIsJoinedPlainOnlyIfNoIdentityWasRemembered()
{
    QTemporaryDir hubDir;
    QTemporaryDir joinDir;
    auto hub = startHub(hubDir.path(), 0, HubHost::Tls::Off);
    QVERIFY(hub);
    QVERIFY(hub->fingerprint().isEmpty());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(hub->port());

    MainWindow window;
    window.setDataDir(joinDir.path());
    window.show();
    {
        // `--tls off` or a Confab from before TLS: nothing to ask about, plain http as before.
        DialogAnswerer answerer({});
        joinByAddress(window, address);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);
        QVERIFY(answerer.seen.isEmpty());
        QCOMPARE(window.connection()->hubUrl().scheme(), QStringLiteral("http"));
    }
    QVERIFY(window.leaveRoom());

    // The same address once had an identity: answering in clear text now is not trusted.
    const QString remembered(64, QLatin1Char('c'));
    HubTrustStore().remember(QUrl(QStringLiteral("http://%1/").arg(address)), remembered);
    joinByAddress(window, address);
    QTRY_VERIFY_WITH_TIMEOUT(window.startPage()->errorBanner()->isVisible(), NetworkWaitMs);
    QVERIFY2(window.startPage()->errorBanner()->text().contains(remembered),
             qPrintable(window.startPage()->errorBanner()->text()));
    QVERIFY(!window.connection());
}

QTEST_MAIN(TestHubTrust)
#include "tst_hubtrust.moc"
