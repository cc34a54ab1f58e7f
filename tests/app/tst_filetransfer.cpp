// Files between the client classes and the real hub (`confab serve` on 127.0.0.1): the tus
// upload in several PATCHes, paused and resumed, surviving a hub killed mid-upload; the ranged
// download continuing a .part file; and `confab send --file`, killed mid-upload and run again.

#include "fileattachment.h"
#include "filedownload.h"
#include "hubapi.h"
#include "hubapiwait.h"
#include "hubprocess.h"
#include "protocol.h"
#include "sessionstore.h"
#include "tusupload.h"
#include "uploadjournal.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using confab::test::HubProcess;
using confab::test::wait;

namespace {

constexpr int Timeout = 60000;
constexpr qint64 MiB = 1024 * 1024;
const QString Lobby = QStringLiteral("lobby");

// A file of random bytes (incompressible, every offset distinct); returns its SHA-256 (hex).
QByteArray writeRandomFile(const QString &path, qint64 size, quint32 seed)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    QRandomGenerator random(seed);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray block(int(MiB), Qt::Uninitialized);
    for (qint64 left = size; left > 0;) {
        const qint64 n = std::min<qint64>(left, block.size());
        random.fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
        file.write(block.constData(), n);
        hash.addData(QByteArrayView(block.constData(), n));
        left -= n;
    }
    return hash.result().toHex();
}

QByteArray sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

// The attachment of the message with that id in the conversation's newest page.
std::optional<FileAttachment> attachmentOf(HubApi &api, const QString &cid, qint64 messageId)
{
    const auto page = wait<HistoryPage>(
        [&](auto done) { api.fetchConversationPage(cid, 0, protocol::MaxHistoryPage, done); });
    if (!page.ok())
        return std::nullopt;
    for (const ChatEvent &event : page.value->events) {
        if (const auto *message = std::get_if<MessageEvent>(&event);
            message && message->id == messageId)
            return FileAttachment::fromJson(message->file);
    }
    return std::nullopt;
}

// HEAD on the upload: the hub's offset (-1: no answer, -404 and so on: that status).
qint64 hubOffset(HubApi &api, const QUrl &uploadUrl)
{
    QNetworkAccessManager nam;
    QNetworkRequest request = api.authorizedRequest(uploadUrl);
    request.setRawHeader("Tus-Resumable", "1.0.0");
    QNetworkReply *reply = nam.head(request);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(Timeout))
        return -1;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return -status;
    return reply->rawHeader("Upload-Offset").toLongLong();
}

struct Signed
{
    HubApi api;
    bool signIn(const QUrl &hub, const QString &name)
    {
        api.setBaseUrl(hub);
        return wait<HubSession>([&](auto done) { api.signInToHub(name, {}, done); }).ok();
    }
};

bool waitForState(TusUpload &upload, TusUpload::State state, int timeoutMs = Timeout)
{
    return QTest::qWaitFor([&] { return upload.state() == state; }, timeoutMs);
}

} // namespace

class TestFileTransfer : public QObject
{
    Q_OBJECT
private slots:
    void uploadsInSeveralPatches();
    void pausesAndResumesFromTheHubsOffset();
    void cancelAbandonsTheUpload();
    void resumesAfterTheHubIsKilled();
    void downloadContinuesAPartFile();
    void downloadNamesAndSanitizing();
    void uploadRefusals();
    void sendFileResumesWhenRunAgain();
    void joinUploadsWithACommand();
    void transfersGoThroughThePinnedTls();
};

void TestFileTransfer::uploadsInSeveralPatches()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("report 报告.bin"));
    const QByteArray sha = writeRandomFile(path, 3 * MiB + 123, 1);

    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    options.chunkBytes = MiB;
    TusUpload upload(&ana.api, options);
    QSignalSpy created(&upload, &TusUpload::created);
    QSignalSpy finished(&upload, &TusUpload::finished);
    upload.start();
    QVERIFY(finished.wait(Timeout) || !finished.isEmpty());
    QCOMPARE(upload.state(), TusUpload::State::Finished);
    QCOMPARE(created.size(), 1);
    QCOMPARE(upload.patchCount(), 4); // 1 MiB, 1 MiB, 1 MiB, 123 bytes
    QVERIFY(upload.uploadUrl().path().startsWith(QLatin1StringView("/api/v2/uploads/u_")));
    const QString fileId = finished.first().at(0).toString();
    const qint64 messageId = finished.first().at(1).toLongLong();
    QVERIFY2(fileId.startsWith(QLatin1StringView("f_")), qPrintable(fileId));
    QVERIFY(messageId > 0);

    // The message carries the file, checked by the hub: same SHA-256 as the source.
    const auto file = attachmentOf(ana.api, Lobby, messageId);
    QVERIFY(file);
    QCOMPARE(file->id, fileId);
    QCOMPARE(file->name, QStringLiteral("report 报告.bin"));
    QCOMPARE(file->size, 3 * MiB + 123);
    QCOMPARE(file->sha256.toLatin1(), sha);
    QVERIFY(!file->isImage());
    // A finished upload is gone from the hub's uploads.
    QCOMPARE(hubOffset(ana.api, upload.uploadUrl()), -404);
}

void TestFileTransfer::pausesAndResumesFromTheHubsOffset()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("big.bin"));
    const qint64 size = 48 * MiB;
    const QByteArray sha = writeRandomFile(path, size, 2);

    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    options.chunkBytes = 4 * MiB;
    TusUpload upload(&ana.api, options);
    bool paused = false;
    connect(&upload, &TusUpload::progress, &upload, [&](qint64 sent, qint64) {
        if (!paused && sent >= 6 * MiB) {
            paused = true;
            upload.pause();
        }
    });
    upload.start();
    QVERIFY(waitForState(upload, TusUpload::State::Paused));
    QVERIFY(upload.uploadUrl().isValid());
    // Nothing moves while paused; the hub has a part of the file.
    QTest::qWait(300);
    const qint64 atPause = hubOffset(ana.api, upload.uploadUrl());
    QVERIFY2(atPause >= 4 * MiB && atPause < size, QByteArray::number(atPause));
    QCOMPARE(upload.state(), TusUpload::State::Paused);
    const int patchesBefore = upload.patchCount();

    QSignalSpy finished(&upload, &TusUpload::finished);
    upload.resume();
    QVERIFY(finished.wait(Timeout) || !finished.isEmpty());
    QVERIFY(upload.patchCount() > patchesBefore);
    // Not one PATCH more than the rest needs: it went on from the hub's offset.
    QVERIFY2(upload.patchCount() - patchesBefore <= (size - atPause + 4 * MiB - 1) / (4 * MiB) + 1,
             QByteArray::number(upload.patchCount()));
    const auto file = attachmentOf(ana.api, Lobby, finished.first().at(1).toLongLong());
    QVERIFY(file);
    QCOMPARE(file->sha256.toLatin1(), sha);
}

void TestFileTransfer::cancelAbandonsTheUpload()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("c.bin"));
    writeRandomFile(path, 16 * MiB, 3);
    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    options.chunkBytes = MiB;
    TusUpload upload(&ana.api, options);
    connect(&upload, &TusUpload::progress, &upload, [&](qint64 sent, qint64) {
        if (sent >= 2 * MiB && upload.state() == TusUpload::State::Sending)
            upload.cancel();
    });
    upload.start();
    QVERIFY(waitForState(upload, TusUpload::State::Cancelled));
    const QUrl url = upload.uploadUrl();
    QVERIFY(url.isValid());
    // DELETE went out: the hub forgets the upload.
    QTRY_COMPARE_WITH_TIMEOUT(hubOffset(ana.api, url), -404, Timeout);
}

void TestFileTransfer::resumesAfterTheHubIsKilled()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("k.bin"));
    const qint64 size = 64 * MiB;
    const QByteArray sha = writeRandomFile(path, size, 4);

    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    // One PATCH for the whole file: the kill cuts it in the middle of its body.
    options.chunkBytes = size;
    TusUpload upload(&ana.api, options);
    QSignalSpy retrying(&upload, &TusUpload::retrying);
    QSignalSpy finished(&upload, &TusUpload::finished);
    bool killed = false;
    connect(&upload, &TusUpload::progress, &upload, [&](qint64 sent, qint64) {
        if (!killed && sent >= 8 * MiB) {
            killed = true;
            hub.kill();
        }
    });
    upload.start();
    QTRY_VERIFY_WITH_TIMEOUT(killed, Timeout);
    QVERIFY(retrying.wait(Timeout) || !retrying.isEmpty());
    QVERIFY(upload.state() == TusUpload::State::Waiting
            || upload.state() == TusUpload::State::Locating);
    QVERIFY2(hub.start(hub.port()), qPrintable(hub.errorText()));
    QVERIFY(finished.wait(Timeout) || !finished.isEmpty());
    QCOMPARE(upload.state(), TusUpload::State::Finished);
    // The hub kept what reached its disk: the second PATCH started past 0.
    QVERIFY(upload.patchCount() >= 2);
    const auto file = attachmentOf(ana.api, Lobby, finished.first().at(1).toLongLong());
    QVERIFY(file);
    QCOMPARE(file->sha256.toLatin1(), sha);
    QCOMPARE(file->size, size);

    // And the stored bytes are the source's: download them.
    const QString target = dir.filePath(QStringLiteral("back.bin"));
    FileDownload::Options get;
    get.fileId = file->id;
    get.targetPath = target;
    get.expectedSize = file->size;
    get.sha256 = file->sha256;
    FileDownload download(&ana.api, get);
    QSignalSpy saved(&download, &FileDownload::finished);
    download.start();
    QVERIFY(saved.wait(Timeout) || !saved.isEmpty());
    QCOMPARE(sha256Of(target), sha);
}

void TestFileTransfer::downloadContinuesAPartFile()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("d.bin"));
    const qint64 size = 5 * MiB + 7;
    const QByteArray sha = writeRandomFile(path, size, 5);
    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    TusUpload upload(&ana.api, options);
    QSignalSpy finished(&upload, &TusUpload::finished);
    upload.start();
    QVERIFY(finished.wait(Timeout) || !finished.isEmpty());
    const auto file = attachmentOf(ana.api, Lobby, upload.messageId());
    QVERIFY(file);

    // An earlier run stopped after 2 MiB + 3: the .part holds exactly those bytes.
    const QString target = dir.filePath(QStringLiteral("out/d.bin"));
    QDir().mkpath(dir.filePath(QStringLiteral("out")));
    {
        QFile source(path);
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile part(target + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(source.read(2 * MiB + 3));
    }
    FileDownload::Options get;
    get.fileId = file->id;
    get.targetPath = target;
    get.expectedSize = file->size;
    get.sha256 = file->sha256;
    FileDownload download(&ana.api, get);
    QSignalSpy saved(&download, &FileDownload::finished);
    download.start();
    QVERIFY(saved.wait(Timeout) || !saved.isEmpty());
    QCOMPARE(download.state(), FileDownload::State::Finished);
    QCOMPARE(download.resumedFrom(), 2 * MiB + 3);
    QCOMPARE(download.bytesFetched(), size - (2 * MiB + 3)); // a Range: only the rest came
    QCOMPARE(sha256Of(target), sha);
    QVERIFY(!QFile::exists(target + QStringLiteral(".part")));

    // A .part that is not this file's beginning: the SHA-256 check catches it, and the file is
    // fetched whole once (the target never holds the wrong bytes).
    const QString other = dir.filePath(QStringLiteral("out/e.bin"));
    {
        QFile part(other + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(QByteArray(1000, 'x'));
    }
    get.targetPath = other;
    FileDownload wrong(&ana.api, get);
    QSignalSpy redone(&wrong, &FileDownload::finished);
    wrong.start();
    QVERIFY(redone.wait(Timeout) || !redone.isEmpty());
    QCOMPARE(wrong.bytesFetched(), size - 1000 + size); // the rest, then the whole file
    QCOMPARE(sha256Of(other), sha);
    // A wrong SHA-256 in the description: refused, and nothing is left behind.
    get.targetPath = dir.filePath(QStringLiteral("out/f.bin"));
    get.sha256 = QString(64, QLatin1Char('0'));
    FileDownload lied(&ana.api, get);
    QSignalSpy refused(&lied, &FileDownload::failed);
    lied.start();
    QVERIFY(refused.wait(Timeout) || !refused.isEmpty());
    QCOMPARE(lied.error().code, QStringLiteral("checksum_mismatch"));
    QVERIFY(!QFile::exists(get.targetPath));
    QVERIFY(!QFile::exists(get.targetPath + QStringLiteral(".part")));

    // Someone not in the conversation cannot fetch it: 404, as for a file that does not exist.
    ChannelRequest channel;
    channel.id = QStringLiteral("secret");
    channel.title = QStringLiteral("Secret");
    QVERIFY(wait<ChannelInfo>([&](auto done) { ana.api.createChannel(channel, done); }).ok());
    const QString secretPath = dir.filePath(QStringLiteral("s.txt"));
    writeRandomFile(secretPath, 1000, 9);
    options.filePath = secretPath;
    options.conversationId = channel.id;
    TusUpload secret(&ana.api, options);
    QSignalSpy secretDone(&secret, &TusUpload::finished);
    secret.start();
    QVERIFY(secretDone.wait(Timeout) || !secretDone.isEmpty());
    Signed bo;
    QVERIFY(bo.signIn(hub.url(), QStringLiteral("Bo")));
    const auto denied = wait<QByteArray>(
        [&](auto done) { bo.api.fetchFile(secret.fileId(), false, 64 * MiB, done); });
    QVERIFY(!denied.ok());
    QCOMPARE(denied.error.httpStatus, 404);
    const auto allowed = wait<QByteArray>(
        [&](auto done) { ana.api.fetchFile(secret.fileId(), false, 64 * MiB, done); });
    QVERIFY(allowed.ok());
    QCOMPARE(allowed.value->size(), 1000);

    // A download continued after the file left the reader's reach (gone from the hub, or its
    // conversation left: the same 404): a readable failure, and the .part is not kept.
    const QString gonePath = dir.filePath(QStringLiteral("out/gone.txt"));
    {
        QFile part(gonePath + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(QByteArray(100, 'x'));
    }
    FileDownload::Options goneOptions;
    goneOptions.fileId = secret.fileId();
    goneOptions.targetPath = gonePath;
    goneOptions.expectedSize = 1000;
    FileDownload gone(&bo.api, goneOptions);
    QSignalSpy goneFailed(&gone, &FileDownload::failed);
    gone.start();
    QVERIFY(goneFailed.wait(Timeout) || !goneFailed.isEmpty());
    QCOMPARE(gone.error().code, QStringLiteral("file_gone"));
    QVERIFY2(gone.error().message.contains(QStringLiteral("no longer on the hub")),
             qPrintable(gone.error().message));
    QVERIFY(!QFile::exists(gonePath + QStringLiteral(".part")));
    QVERIFY(!QFile::exists(gonePath));
}

void TestFileTransfer::downloadNamesAndSanitizing()
{
    QCOMPARE(sanitizedFileName(QStringLiteral("../../etc/passwd")), QStringLiteral("passwd"));
    QCOMPARE(sanitizedFileName(QStringLiteral("C:\\Windows\\evil.exe")),
             QStringLiteral("evil.exe"));
    QCOMPARE(sanitizedFileName(QStringLiteral("a\x01"
                                              "b\nc.txt")),
             QStringLiteral("abc.txt"));
    // A right-to-left override that would show "exe.txt" as "txt.exe" is dropped.
    QCOMPARE(sanitizedFileName(QString::fromUtf8("invoice\u202Etxt.exe")),
             QString::fromUtf8("invoicetxt.exe"));
    QCOMPARE(sanitizedFileName(QStringLiteral("..")), QStringLiteral("file"));
    QCOMPARE(sanitizedFileName(QStringLiteral(".bashrc")), QStringLiteral("bashrc"));
    QCOMPARE(sanitizedFileName(QStringLiteral("what?.txt")), QStringLiteral("what_.txt"));
    QVERIFY(sanitizedFileName(QString(1000, QLatin1Char('n')) + QStringLiteral(".png")).size()
            <= 200);
    QVERIFY(sanitizedFileName(QString(1000, QLatin1Char('n')) + QStringLiteral(".png"))
                .endsWith(QLatin1StringView(".png")));

    QTemporaryDir dir;
    QCOMPARE(uniqueTargetPath(dir.path(), QStringLiteral("photo.png")),
             dir.filePath(QStringLiteral("photo.png")));
    QFile(dir.filePath(QStringLiteral("photo.png"))).open(QIODevice::WriteOnly);
    QCOMPARE(uniqueTargetPath(dir.path(), QStringLiteral("photo.png")),
             dir.filePath(QStringLiteral("photo (1).png")));
    QFile(dir.filePath(QStringLiteral("photo (1).png.part"))).open(QIODevice::WriteOnly);
    QCOMPARE(uniqueTargetPath(dir.path(), QStringLiteral("sub/photo.png")),
             dir.filePath(QStringLiteral("photo (2).png")));
}

void TestFileTransfer::uploadRefusals()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")),
                   {QStringLiteral("--max-file-bytes"), QString::number(MiB)});
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Signed ana;
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("r.bin"));
    writeRandomFile(path, 2 * MiB, 6);
    {
        TusUpload::Options options;
        options.filePath = path;
        options.conversationId = Lobby;
        TusUpload upload(&ana.api, options);
        QSignalSpy failed(&upload, &TusUpload::failed);
        upload.start();
        QVERIFY(failed.wait(Timeout) || !failed.isEmpty());
        QCOMPARE(upload.error().httpStatus, 413);
        QCOMPARE(upload.error().code, QStringLiteral("file_too_large"));
    }
    {
        TusUpload::Options options;
        options.filePath = path;
        options.conversationId = QStringLiteral("no-such-channel");
        TusUpload upload(&ana.api, options);
        QSignalSpy failed(&upload, &TusUpload::failed);
        upload.start();
        QVERIFY(failed.wait(Timeout) || !failed.isEmpty());
        QCOMPARE(upload.error().httpStatus, 404);
    }
    {
        TusUpload::Options options;
        options.filePath = dir.filePath(QStringLiteral("missing.bin"));
        options.conversationId = Lobby;
        TusUpload upload(&ana.api, options);
        QSignalSpy failed(&upload, &TusUpload::failed);
        upload.start();
        QCOMPARE(failed.size(), 1); // at once, nothing sent
        QCOMPARE(upload.error().code, QStringLiteral("file_unreadable"));
    }
    // The terminal says the hub's limit.
    QProcess send;
    send.start(test::confabBinary(),
               {QStringLiteral("send"), hub.url().toString(), QStringLiteral("--name"),
                QStringLiteral("Cy"), QStringLiteral("--state-dir"),
                dir.filePath(QStringLiteral("cy")), QStringLiteral("--file"), path});
    QVERIFY(send.waitForFinished(Timeout));
    const QByteArray err = send.readAllStandardError();
    QCOMPARE(send.exitCode(), 1);
    QVERIFY2(err.contains("r.bin is 2.0 MiB; this hub takes files up to 1.0 MiB"), err.constData());
}

void TestFileTransfer::sendFileResumesWhenRunAgain()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    const QString path = dir.filePath(QStringLiteral("movie.bin"));
    const qint64 size = 256 * MiB;
    const QByteArray sha = writeRandomFile(path, size, 7);
    const QString state = dir.filePath(QStringLiteral("state"));
    const QStringList arguments {QStringLiteral("send"),        hub.url().toString(),
                                 QStringLiteral("--name"),      QStringLiteral("Ana"),
                                 QStringLiteral("--to"),        Lobby,
                                 QStringLiteral("--state-dir"), state,
                                 QStringLiteral("--file"),      path};

    // First run: killed (SIGKILL: no chance to tidy up) once the hub has some of the file.
    QProcess first;
    first.start(test::confabBinary(), arguments);
    QVERIFY(first.waitForStarted());
    UploadJournal journal(state);
    QTRY_VERIFY_WITH_TIMEOUT(!journal.load().isEmpty(), Timeout);
    const QUrl uploadUrl = journal.load().first().uploadUrl;
    SessionStore store;
    store.openHub(state, hub.url(), QStringLiteral("Ana"));
    const auto session = store.loadSession();
    QVERIFY(session);
    HubApi api;
    api.setBaseUrl(hub.url());
    api.setToken(session->token);
    QTRY_VERIFY_WITH_TIMEOUT(hubOffset(api, uploadUrl) >= 16 * MiB, Timeout);
    first.kill();
    QVERIFY(first.waitForFinished(Timeout));
    const qint64 offset = hubOffset(api, uploadUrl);
    QVERIFY2(offset > 0 && offset < size, QByteArray::number(offset));

    // Second run: the same command goes on from the hub's offset and posts the file.
    QProcess second;
    second.start(test::confabBinary(), arguments);
    QVERIFY(second.waitForFinished(Timeout * 3));
    const QByteArray err = second.readAllStandardError();
    QCOMPARE(second.exitCode(), 0);
    QVERIFY2(err.contains("Resuming the upload of movie.bin"), err.constData());
    QVERIFY2(err.contains("resumed at"), err.constData());
    // Sizes and speed in the units of every client (datasize.h).
    static const QRegularExpression summary(
        QStringLiteral("Sent movie\\.bin \\(256 MiB\\) in [0-9.]+ s, resumed at [0-9.]+ (KiB|MiB), "
                       "[0-9.]+ (B|KiB|MiB|GiB)/s\\."));
    QVERIFY2(summary.match(QString::fromUtf8(err)).hasMatch(), err.constData());
    // Not a TTY: no bar, one line at the end.
    QVERIFY2(!err.contains('\r'), err.constData());
    bool isNumber = false;
    const qint64 messageId = second.readAllStandardOutput().trimmed().toLongLong(&isNumber);
    QVERIFY(isNumber);
    const auto file = attachmentOf(api, Lobby, messageId);
    QVERIFY(file);
    QCOMPARE(file->sha256.toLatin1(), sha);
    QVERIFY(journal.load().isEmpty()); // nothing left to resume

    // Errors: a missing file (2), a file over the hub's limit (1, naming the limit).
    QProcess missing;
    QStringList missingArguments = arguments;
    missingArguments.last() = dir.filePath(QStringLiteral("nope.bin"));
    missing.start(test::confabBinary(), missingArguments);
    QVERIFY(missing.waitForFinished(Timeout));
    QCOMPARE(missing.exitCode(), 2);
    QVERIFY(missing.readAllStandardError().contains("No such file"));
}

void TestFileTransfer::joinUploadsWithACommand()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    const QString path = dir.filePath(QStringLiteral("slides.bin"));
    const QByteArray sha = writeRandomFile(path, 3 * MiB, 8);
    const QString state = dir.filePath(QStringLiteral("state"));
    QProcess join;
    join.start(test::confabBinary(),
               {QStringLiteral("join"), hub.url().toString(), QStringLiteral("--name"),
                QStringLiteral("Ana"), QStringLiteral("--state-dir"), state});
    QVERIFY(join.waitForStarted());
    // Typed at once, before the hub is even reached: the uploads wait for the conversation,
    // then go one after the other, and the end of input waits for them.
    join.write("/upload " + path.toUtf8() + "\n/upload "
               + dir.filePath(QStringLiteral("nope.bin")).toUtf8() + "\nafter the files\n");
    join.closeWriteChannel();
    QVERIFY(join.waitForFinished(Timeout * 2));
    const QByteArray err = join.readAllStandardError();
    QCOMPARE(join.exitCode(), 1); // one upload was not sent
    QVERIFY2(err.contains("Uploaded (message"), err.constData());
    QVERIFY2(err.contains("Not sent: No such file"), err.constData());

    Signed bo;
    QVERIFY(bo.signIn(hub.url(), QStringLiteral("Bo")));
    const auto page = wait<HistoryPage>(
        [&](auto done) { bo.api.fetchConversationPage(Lobby, 0, protocol::MaxHistoryPage, done); });
    QVERIFY(page.ok());
    QStringList files;
    for (const ChatEvent &event : page.value->events) {
        if (const auto *message = std::get_if<MessageEvent>(&event)) {
            if (const auto file = FileAttachment::fromJson(message->file))
                files.append(file->name + QLatin1Char(' ') + file->sha256);
        }
    }
    QCOMPARE(files, QStringList {QStringLiteral("slides.bin ") + QString::fromLatin1(sha)});
}

void TestFileTransfer::transfersGoThroughThePinnedTls()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    QFile certificate(dir.filePath(QStringLiteral("hub/hub-cert.pem")));
    QVERIFY(certificate.open(QIODevice::ReadOnly));
    const QByteArray der = QSslCertificate(certificate.readAll(), QSsl::Pem).toDer();
    const auto pin = TlsPin::parse(
        QString::fromLatin1(QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex()));
    QVERIFY(pin);
    Signed ana;
    ana.api.setPin(pin);
    QVERIFY(ana.signIn(hub.url(), QStringLiteral("Ana")));
    const QString path = dir.filePath(QStringLiteral("t.bin"));
    const QByteArray sha = writeRandomFile(path, 2 * MiB + 1, 10);
    TusUpload::Options options;
    options.filePath = path;
    options.conversationId = Lobby;
    options.chunkBytes = MiB;
    TusUpload upload(&ana.api, options);
    QSignalSpy finished(&upload, &TusUpload::finished);
    upload.start();
    QVERIFY(finished.wait(Timeout) || !finished.isEmpty());
    QCOMPARE(upload.uploadUrl().scheme(), QStringLiteral("https")); // never in the clear
    const auto file = attachmentOf(ana.api, Lobby, upload.messageId());
    QVERIFY(file);
    QCOMPARE(file->sha256.toLatin1(), sha);
    FileDownload::Options get;
    get.fileId = file->id;
    get.targetPath = dir.filePath(QStringLiteral("back.bin"));
    get.expectedSize = file->size;
    get.sha256 = file->sha256;
    FileDownload download(&ana.api, get);
    QSignalSpy saved(&download, &FileDownload::finished);
    download.start();
    QVERIFY(saved.wait(Timeout) || !saved.isEmpty());
    QCOMPARE(sha256Of(get.targetPath), sha);

    // Another pin: refused before a byte of the file (or the token) is sent.
    HubApi other;
    other.setBaseUrl(hub.url());
    other.setToken(ana.api.token());
    other.setPin(TlsPin::parse(QString(64, QLatin1Char('a'))));
    TusUpload refused(&other, options);
    QSignalSpy failed(&refused, &TusUpload::failed);
    refused.start();
    QVERIFY(failed.wait(Timeout) || !failed.isEmpty());
    QCOMPARE(refused.error().code, QStringLiteral("tls_pin_mismatch"));
}

QTEST_GUILESS_MAIN(TestFileTransfer)
#include "tst_filetransfer.moc"
