// `confab search` against a real hub (`confab serve` as a child process): one match per line with
// the match marked, remote control characters defused, the hub's refusals as readable errors, and
// the name free again afterwards (the command signs out).

#include "hubapiwait.h"
#include "hubprocess.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using confab::test::HubProcess;
using confab::test::wait;

namespace {

constexpr int Timeout = 60000;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run search(const HubProcess &hub, const QStringList &extra)
{
    QProcess process;
    process.start(test::confabBinary(),
                  QStringList {QStringLiteral("search"), hub.url().toString(),
                               QStringLiteral("--name"), QStringLiteral("Ana")}
                      + extra);
    Run run;
    if (!process.waitForFinished(Timeout))
        return run;
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace

class TestSearchCli : public QObject
{
    Q_OBJECT
private slots:
    void printsMatchesOnePerLine();
};

void TestSearchCli::printsMatchesOnePerLine()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")),
                   {QStringLiteral("--max-rate"), QStringLiteral("0")});
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    HubApi bo;
    bo.setBaseUrl(hub.url());
    QVERIFY(
        wait<SessionInfo>([&](auto done) { bo.signIn(QStringLiteral("Bo"), {}, {}, done); }).ok());
    int counter = 0;
    for (const QString &text :
         {QStringLiteral("明天部署方案"), QStringLiteral("Deploy C++ now\nsecond line \x1b[31mred"),
          QStringLiteral("hello world")}) {
        QVERIFY(wait<PostedMessage>([&](auto done) {
                    bo.postMessage(QStringLiteral("lobby"), text,
                                   QStringLiteral("c-%1").arg(++counter), done);
                }).ok());
    }

    const Run cjk = search(hub, {QStringLiteral("部署")});
    QCOMPARE(cjk.exitCode, 0);
    const QStringList lines = cjk.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith(QLatin1String("#lobby  Bo  ")), qPrintable(lines.first()));
    QVERIFY2(lines.first().endsWith(QStringLiteral("  明天«部署»方案")), qPrintable(lines.first()));

    // `+` reaches the hub as a plus; the line break and the escape character do not reach the
    // terminal.
    const Run plus = search(hub, {QStringLiteral("c++")});
    QCOMPARE(plus.exitCode, 0);
    QVERIFY2(
        plus.out.trimmed().endsWith(QStringLiteral("Deploy «C++» now ⏎ second line \uFFFD[31mred")),
        qPrintable(plus.out));
    QVERIFY(!plus.out.contains(QChar(0x1b)));

    const Run words = search(hub, {QStringLiteral("second"), QStringLiteral("now")});
    QCOMPARE(words.out.count(QLatin1Char('\n')), 1);
    QVERIFY2(words.out.contains(QStringLiteral("«now» ⏎ «second»")), qPrintable(words.out));

    const Run none = search(hub, {QStringLiteral("nowhere")});
    QCOMPARE(none.exitCode, 0);
    QCOMPARE(none.out, QString());
    QVERIFY2(none.err.contains(QLatin1String("No messages match.")), qPrintable(none.err));

    const Run tooShort = search(hub, {QStringLiteral("x")});
    QCOMPARE(tooShort.exitCode, 1);
    QVERIFY2(tooShort.err.contains(QLatin1String("Search for at least 2 characters.")),
             qPrintable(tooShort.err));

    const Run usage = search(hub, {});
    QCOMPARE(usage.exitCode, 2);

    // Each run signed out: the name is free at once.
    HubApi ana;
    ana.setBaseUrl(hub.url());
    QVERIFY(wait<SessionInfo>([&](auto done) {
                ana.signIn(QStringLiteral("Ana"), {}, {}, done);
            }).ok());
}

QTEST_GUILESS_MAIN(TestSearchCli)
#include "tst_searchcli.moc"
