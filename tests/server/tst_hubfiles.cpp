// Files (issue 15, docs/protocol.md "Files") over real loopback sockets and real files: tus
// uploads in pieces and whole, their refusals, the stored file and its message, downloads for the
// conversation's members only, ranges and ETags, the headers that keep uploaded pages inert,
// deduplication, limits, image bombs, the files cookie, broken and stalled connections, expiry,
// a restart in the middle, and a tus upload by hand with curl over plain HTTP and TLS.

#include "files/uploadtransfer.h"
#include "hubprocess.h"
#include "hubtestkit.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDirIterator>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtEndian>

using namespace confab;
using namespace confab::test;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QByteArray sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// One request as a tus client sends it: Tus-Resumable unless `withTus` is false.
Response tusCall(quint16 port, const QByteArray &method, const QByteArray &path,
                 const QByteArray &token, const Headers &headers = {}, const QByteArray &body = {},
                 bool withTus = true)
{
    QByteArray request
        = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    if (!token.isEmpty())
        request += "Authorization: Bearer " + token + "\r\n";
    if (withTus)
        request += "Tus-Resumable: 1.0.0\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (method == "PATCH" || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    return rawRequest(port, request);
}

QByteArray metadata(const QString &name, const QString &conversation, const QString &type = {})
{
    QByteArray out = "filename " + name.toUtf8().toBase64() + ",conversation "
        + conversation.toUtf8().toBase64();
    if (!type.isEmpty())
        out += ",filetype " + type.toUtf8().toBase64();
    return out;
}

QByteArray metadata(const char *name, const char *conversation)
{
    return metadata(QString::fromUtf8(name), QString::fromUtf8(conversation));
}

Response create(quint16 port, const Session &session, const QString &name,
                const QString &conversation, qint64 length, const QString &type = {})
{
    return tusCall(port, "POST", "/api/v2/uploads", session.token,
                   {{"Upload-Length", QByteArray::number(length)},
                    {"Upload-Metadata", metadata(name, conversation, type)}});
}

Response patch(quint16 port, const Session &session, const QByteArray &location, qint64 offset,
               const QByteArray &bytes)
{
    return tusCall(port, "PATCH", location, session.token,
                   {{"Content-Type", "application/offset+octet-stream"},
                    {"Upload-Offset", QByteArray::number(offset)}},
                   bytes);
}

qint64 offsetOf(quint16 port, const Session &session, const QByteArray &location)
{
    const Response head = tusCall(port, "HEAD", location, session.token);
    return head.status == 200 ? head.header("upload-offset").toLongLong() : -1;
}

struct Uploaded
{
    QByteArray fileId;
    qint64 messageId = 0;
};

// Creates an upload and sends `bytes` in PATCHes of `piece` bytes (0: one PATCH).
Uploaded upload(quint16 port, const Session &session, const QString &name,
                const QString &conversation, const QByteArray &bytes, const QString &type = {},
                qsizetype piece = 0)
{
    const Response created = create(port, session, name, conversation, bytes.size(), type);
    if (created.status != 201) {
        qWarning() << "create:" << created.status << created.body;
        return {};
    }
    const QByteArray location = created.header("location");
    if (bytes.isEmpty())
        return {created.header("confab-file-id"), created.header("confab-message-id").toLongLong()};
    if (piece <= 0)
        piece = bytes.size();
    Response last;
    for (qsizetype at = 0; at < bytes.size(); at += piece) {
        last = patch(port, session, location, at, bytes.mid(at, piece));
        if (last.status != 204) {
            qWarning() << "patch:" << last.status << last.body;
            return {};
        }
    }
    return {last.header("confab-file-id"), last.header("confab-message-id").toLongLong()};
}

Response download(quint16 port, const Session &session, const QByteArray &fileId,
                  const Headers &headers = {}, const QByteArray &suffix = {})
{
    QByteArray request = "GET /api/v2/files/" + fileId + suffix
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + session.token + "\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    return rawRequest(port, request + "\r\n");
}

QJsonObject lastMessage(quint16 port, const Session &session, const QString &conversation)
{
    const Response page = callAs(port, session, "GET",
                                 "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation)
                                     + "/messages?limit=1");
    const QJsonArray events = page.json().value(QLatin1StringView("events")).toArray();
    return events.isEmpty() ? QJsonObject()
                            : events.last().toObject().value(QLatin1StringView("data")).toObject();
}

QByteArray png(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

quint32 crc32(QByteArrayView bytes)
{
    quint32 crc = 0xffffffffu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// A valid little PNG whose header claims `width` x `height` (a decompression bomb's shape).
QByteArray pngClaiming(quint32 width, quint32 height)
{
    QByteArray bytes = png(4, 4);
    // Signature (8), IHDR length (4), "IHDR" (4), width, height, ...; the chunk's CRC covers
    // the type and the 13 data bytes.
    qToBigEndian(width, bytes.data() + 16);
    qToBigEndian(height, bytes.data() + 20);
    qToBigEndian(crc32(QByteArrayView(bytes).sliced(12, 17)), bytes.data() + 29);
    return bytes;
}

int blobCount(const QString &dataDir)
{
    int count = 0;
    QDirIterator it(dataDir + QStringLiteral("/files"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (!it.next().contains(QLatin1StringView("/thumbs/")))
            ++count;
    }
    return count;
}

int partialCount(const QString &dataDir)
{
    return int(QDir(dataDir + QStringLiteral("/uploads")).entryList(QDir::Files).size());
}

} // namespace

class TestHubFiles : public QObject
{
    Q_OBJECT
private slots:
    void uploadInPiecesAndWhole();
    void tusRefusals();
    void patchAfterOtherRequestsOnOneConnection();
    void onlyMembersDownload();
    void rangesAndEtags();
    void contentDecidesHowFilesAreServed();
    void sameBytesStoredOnce();
    void limits();
    void imageBombsGetNoThumbnail();
    void filesCookie();
    void filesCookieEndsWithItsSession();
    void brokenAndStalledConnectionsKeepWhatArrived();
    void patchesOnWorkerThreadsEndCleanly();
    void unfinishedUploadsExpire();
    void restartResumesFromTheDisk();
    void curlByHand();
    void killedHubResumes();
};

void TestHubFiles::uploadInPiecesAndWhole()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));

    const Response options = tusCall(port, "OPTIONS", "/api/v2/uploads", {}, {}, {}, false);
    QCOMPARE(options.status, 204);
    QCOMPARE(options.header("tus-version"), QByteArray("1.0.0"));
    QCOMPARE(options.header("tus-resumable"), QByteArray("1.0.0"));
    QCOMPARE(options.header("tus-extension"), QByteArray("creation,termination,expiration"));
    QCOMPARE(options.header("tus-max-size").toLongLong(), HubSettings().maxFileBytes);

    // In 64 KiB pieces, HEAD after each.
    const QByteArray bytes = randomBytes(300 * 1024 + 17);
    const Response created
        = create(port, ana, QStringLiteral("data.bin"), QStringLiteral("lobby"), bytes.size());
    QCOMPARE(created.status, 201);
    const QByteArray location = created.header("location");
    QVERIFY2(QRegularExpression(QStringLiteral("^/api/v2/uploads/u_[0-9a-f]{32}$"))
                 .match(QString::fromLatin1(location))
                 .hasMatch(),
             location.constData());
    QVERIFY(!created.header("upload-expires").isEmpty());
    const Response head = tusCall(port, "HEAD", location, ana.token);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("upload-offset"), QByteArray("0"));
    QCOMPARE(head.header("upload-length").toLongLong(), qint64(bytes.size()));
    QCOMPARE(head.header("cache-control"), QByteArray("no-store"));
    constexpr qsizetype Piece = 64 * 1024;
    Response last;
    for (qsizetype at = 0; at < bytes.size(); at += Piece) {
        last = patch(port, ana, location, at, bytes.mid(at, Piece));
        QCOMPARE(last.status, 204);
        QCOMPARE(last.header("tus-resumable"), QByteArray("1.0.0"));
        QCOMPARE(last.header("upload-offset").toLongLong(),
                 std::min<qint64>(at + Piece, bytes.size()));
        if (at + Piece < bytes.size())
            QCOMPARE(offsetOf(port, ana, location), at + Piece);
    }
    const QByteArray fileId = last.header("confab-file-id");
    QVERIFY2(QRegularExpression(QStringLiteral("^f_[0-9a-f]{16}$"))
                 .match(QString::fromLatin1(fileId))
                 .hasMatch(),
             fileId.constData());
    // Finished: the upload is gone, the file is there, posted as an ordinary message.
    QCOMPARE(tusCall(port, "HEAD", location, ana.token).status, 404);
    const Response got = download(port, ana, fileId);
    QCOMPARE(got.status, 200);
    QCOMPARE(got.body, bytes);
    const QJsonObject message = lastMessage(port, ana, QStringLiteral("lobby"));
    QCOMPARE(qint64(message.value(QLatin1StringView("id")).toDouble()),
             last.header("confab-message-id").toLongLong());
    QCOMPARE(message.value(QLatin1StringView("text")).toString(), QStringLiteral("data.bin"));
    const QJsonObject file = message.value(QLatin1StringView("file")).toObject();
    QCOMPARE(file.value(QLatin1StringView("id")).toString().toLatin1(), fileId);
    QCOMPARE(file.value(QLatin1StringView("name")).toString(), QStringLiteral("data.bin"));
    QCOMPARE(qint64(file.value(QLatin1StringView("size")).toDouble()), qint64(bytes.size()));
    QCOMPARE(file.value(QLatin1StringView("sha256")).toString().toLatin1(), sha256Hex(bytes));
    QCOMPARE(file.value(QLatin1StringView("type")).toString(),
             QStringLiteral("application/octet-stream"));
    QCOMPARE(file.value(QLatin1StringView("thumbnail")).toBool(true), false);
    QVERIFY(!file.contains(QLatin1StringView("width")));

    // Whole, in one PATCH far over the 64 KiB request body limit, and seen on a member stream.
    StreamReader::Options streamOptions(ana.token);
    streamOptions.path = "/api/v2/events";
    StreamReader stream(port, streamOptions);
    QVERIFY(stream.waitForHead());
    const QByteArray big = randomBytes(3 * 1024 * 1024 + 5);
    const Uploaded whole
        = upload(port, ana, QStringLiteral("大文件.bin"), QStringLiteral("lobby"), big);
    QVERIFY(!whole.fileId.isEmpty());
    QCOMPARE(download(port, ana, whole.fileId).body, big);
    QTRY_VERIFY_WITH_TIMEOUT(!stream.eventsOfType(QStringLiteral("message")).empty(), WaitMs);
    const QJsonObject streamed
        = QJsonDocument::fromJson(
              stream.eventsOfType(QStringLiteral("message")).back().data.toUtf8())
              .object();
    QCOMPARE(streamed.value(QLatin1StringView("text")).toString(), QStringLiteral("大文件.bin"));
    QCOMPARE(streamed.value(QLatin1StringView("file"))
                 .toObject()
                 .value(QLatin1StringView("sha256"))
                 .toString()
                 .toLatin1(),
             sha256Hex(big));

    // An empty file completes at creation.
    const Response empty
        = create(port, ana, QStringLiteral("empty.txt"), QStringLiteral("lobby"), 0);
    QCOMPARE(empty.status, 201);
    QVERIFY(!empty.header("confab-file-id").isEmpty());
    const Response emptyGot = download(port, ana, empty.header("confab-file-id"));
    QCOMPARE(emptyGot.status, 200);
    QCOMPARE(emptyGot.header("content-length"), QByteArray("0"));
    QCOMPARE(partialCount(fixture.dataDir()), 0);
}

void TestHubFiles::tusRefusals()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));

    // 412 without or with another Tus-Resumable.
    Response r = tusCall(port, "POST", "/api/v2/uploads", ana.token,
                         {{"Upload-Length", "10"}, {"Upload-Metadata", metadata("a", "lobby")}}, {},
                         false);
    QCOMPARE(r.status, 412);
    QCOMPARE(r.header("tus-version"), QByteArray("1.0.0"));
    r = tusCall(port, "POST", "/api/v2/uploads", ana.token,
                {{"Tus-Resumable", "0.2.2"}, {"Upload-Length", "10"}}, {}, false);
    QCOMPARE(r.status, 412);
    // No token.
    QCOMPARE(tusCall(port, "POST", "/api/v2/uploads", {}, {{"Upload-Length", "10"}}).status, 401);
    // 400 bad_upload: no length, a bad length, no filename, no conversation, a long name.
    for (const Headers &headers :
         {Headers {{"Upload-Metadata", metadata("a", "lobby")}},
          Headers {{"Upload-Length", "-1"}, {"Upload-Metadata", metadata("a", "lobby")}},
          Headers {{"Upload-Length", "1x"}, {"Upload-Metadata", metadata("a", "lobby")}},
          Headers {{"Upload-Length", "10"}, {"Upload-Metadata", "conversation bG9iYnk="}},
          Headers {{"Upload-Length", "10"}, {"Upload-Metadata", "filename YQ=="}},
          Headers {{"Upload-Length", "10"},
                   {"Upload-Metadata", "filename !!!,conversation bG9iYnk="}},
          Headers {{"Upload-Length", "10"},
                   {"Upload-Metadata",
                    metadata(QString(256, QLatin1Char('n')), QStringLiteral("lobby"))}}}) {
        r = tusCall(port, "POST", "/api/v2/uploads", ana.token, headers);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("bad_upload"));
        QCOMPARE(r.header("tus-resumable"), QByteArray("1.0.0"));
    }
    // A conversation that does not exist, a channel not joined.
    r = create(port, ana, QStringLiteral("a"), QStringLiteral("nowhere"), 10);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("unknown_conversation"));
    QCOMPARE(
        callAs(port, bo, "POST", "/api/v2/channels", "{\"id\":\"bos\",\"title\":\"Bos\"}").status,
        201);
    r = create(port, ana, QStringLiteral("a"), QStringLiteral("bos"), 10);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), QStringLiteral("not_a_member"));

    const Response created
        = create(port, ana, QStringLiteral("a.bin"), QStringLiteral("lobby"), 100);
    QCOMPARE(created.status, 201);
    const QByteArray location = created.header("location");
    // Someone else's upload is unknown to them, whatever they try.
    QCOMPARE(tusCall(port, "HEAD", location, bo.token).status, 404);
    r = patch(port, bo, location, 0, "xx");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("unknown_upload"));
    QCOMPARE(tusCall(port, "DELETE", location, bo.token).status, 404);
    QCOMPARE(tusCall(port, "HEAD", "/api/v2/uploads/u_00000000000000000000000000000000", ana.token)
                 .status,
             404);
    // 409: the offset is the hub's; 415: the content type; 400: longer than what is left.
    QCOMPARE(patch(port, ana, location, 0, QByteArray(40, 'a')).status, 204);
    r = patch(port, ana, location, 0, QByteArray(10, 'b'));
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), QStringLiteral("offset_mismatch"));
    QCOMPARE(r.header("upload-offset"), QByteArray("40"));
    r = tusCall(port, "PATCH", location, ana.token,
                {{"Content-Type", "application/octet-stream"}, {"Upload-Offset", "40"}}, "zz");
    QCOMPARE(r.status, 415);
    r = patch(port, ana, location, 40, QByteArray(61, 'c'));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("bad_upload"));
    // Chunked bodies: 411.
    r = rawRequest(port,
                   "PATCH " + location + " HTTP/1.1\r\nAuthorization: Bearer " + ana.token
                       + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: "
                         "application/offset+octet-stream\r\nUpload-Offset: 40\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n");
    QCOMPARE(r.status, 411);
    QCOMPARE(offsetOf(port, ana, location), qint64(40));
    // Termination: the partial file is gone.
    QCOMPARE(partialCount(fixture.dataDir()), 1);
    r = tusCall(port, "DELETE", location, ana.token);
    QCOMPARE(r.status, 204);
    QCOMPARE(r.header("tus-resumable"), QByteArray("1.0.0"));
    QCOMPARE(tusCall(port, "HEAD", location, ana.token).status, 404);
    QCOMPARE(partialCount(fixture.dataDir()), 0);
    // Nothing was posted by any of it.
    QVERIFY(!lastMessage(port, ana, QStringLiteral("lobby")).contains(QLatin1StringView("file")));
}

void TestHubFiles::patchAfterOtherRequestsOnOneConnection()
{
    // A browser's tus client keeps its connection: HEAD, then PATCH on the same one.
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const QByteArray bytes = randomBytes(100000);
    const QByteArray location
        = create(port, ana, QStringLiteral("k.bin"), QStringLiteral("lobby"), bytes.size())
              .header("location");
    QTcpSocket socket;
    QByteArray received;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(WaitMs));
    const QByteArray common = " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nAuthorization: Bearer " + ana.token + "\r\nTus-Resumable: 1.0.0\r\n";
    socket.write("HEAD " + location + common + "\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(received.contains("\r\n\r\n"), WaitMs);
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    received.clear();
    socket.write("PATCH " + location + common
                 + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                   "Content-Length: "
                 + QByteArray::number(bytes.size()) + "\r\n\r\n" + bytes);
    QTRY_VERIFY_WITH_TIMEOUT(received.contains("\r\n\r\n"), WaitMs);
    QVERIFY2(received.startsWith("HTTP/1.1 204"), received.constData());
    QVERIFY(received.contains("Confab-File-Id: f_"));
    QVERIFY(received.contains("Connection: close"));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, WaitMs);
}

void TestHubFiles::onlyMembersDownload()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    const Response dm = callAs(port, ana, "POST", "/api/v2/dms",
                               QJsonDocument(QJsonObject {{QStringLiteral("member"), bo.memberId}})
                                   .toJson(QJsonDocument::Compact));
    QCOMPARE(dm.status, 201);
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    const QByteArray secret = randomBytes(5000);
    const Uploaded file = upload(port, ana, QStringLiteral("secret.pdf"), dmId, secret);
    QVERIFY(!file.fileId.isEmpty());

    QCOMPARE(download(port, bo, file.fileId).body, secret);
    // Cy is no member of the DM: exactly as for a file that does not exist.
    const Response refused = download(port, cy, file.fileId);
    const Response missing = download(port, cy, "f_0000000000000000");
    QCOMPARE(refused.status, 404);
    QCOMPARE(refused.errorCode(), QStringLiteral("unknown_file"));
    QCOMPARE(refused.body, missing.body);
    QCOMPARE(download(port, cy, file.fileId, {}, "/thumbnail").status, 404);
    QCOMPARE(rawRequest(port,
                        "HEAD /api/v2/files/" + file.fileId + " HTTP/1.1\r\nAuthorization: Bearer "
                            + cy.token + "\r\n\r\n")
                 .status,
             404);
    // No credential: 401; a token in the query is not accepted on files.
    QCOMPARE(rawRequest(port, "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n\r\n").status,
             401);
    QCOMPARE(
        rawRequest(port,
                   "GET /api/v2/files/" + file.fileId + "?token=" + ana.token + " HTTP/1.1\r\n\r\n")
            .status,
        401);
    // Cy cannot upload into the DM either.
    QCOMPARE(create(port, cy, QStringLiteral("x"), dmId, 1).status, 404);
}

void TestHubFiles::rangesAndEtags()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    // Over the size answered in one piece, so the streamed path is ranged too.
    const QByteArray bytes = randomBytes(1536 * 1024);
    const Uploaded file
        = upload(port, ana, QStringLiteral("r.bin"), QStringLiteral("lobby"), bytes);
    QVERIFY(!file.fileId.isEmpty());
    const QByteArray etag = '"' + sha256Hex(bytes) + '"';

    Response r = download(port, ana, file.fileId);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(r.header("etag"), etag);
    QCOMPARE(r.header("cache-control"), QByteArray("private, max-age=31536000, immutable"));
    QCOMPARE(r.body, bytes);

    r = download(port, ana, file.fileId, {{"Range", "bytes=10-19"}});
    QCOMPARE(r.status, 206);
    QCOMPARE(r.header("content-range"), "bytes 10-19/" + QByteArray::number(bytes.size()));
    QCOMPARE(r.body, bytes.mid(10, 10));
    r = download(port, ana, file.fileId, {{"Range", "bytes=-100"}});
    QCOMPARE(r.status, 206);
    QCOMPARE(r.body, bytes.right(100));
    r = download(port, ana, file.fileId, {{"Range", "bytes=100-"}}); // streamed: over 1 MiB
    QCOMPARE(r.status, 206);
    QCOMPARE(r.body, bytes.mid(100));
    r = download(port, ana, file.fileId, {{"Range", "bytes=0-5000000"}});
    QCOMPARE(r.status, 206);
    QCOMPARE(r.body.size(), bytes.size());
    r = download(port, ana, file.fileId,
                 {{"Range", "bytes=" + QByteArray::number(bytes.size()) + "-"}});
    QCOMPARE(r.status, 416);
    QCOMPARE(r.header("content-range"), "bytes */" + QByteArray::number(bytes.size()));
    // Several ranges, or another unit: the whole file.
    r = download(port, ana, file.fileId, {{"Range", "bytes=0-1,5-6"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.size(), bytes.size());
    // ETag.
    r = download(port, ana, file.fileId, {{"If-None-Match", etag}});
    QCOMPARE(r.status, 304);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(r.header("etag"), etag);
    QCOMPARE(download(port, ana, file.fileId, {{"If-None-Match", "\"other\""}}).status, 200);
    // HEAD: the GET's head, no body.
    r = rawRequest(port,
                   "HEAD /api/v2/files/" + file.fileId + " HTTP/1.1\r\nAuthorization: Bearer "
                       + ana.token + "\r\n\r\n");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-length").toLongLong(), qint64(bytes.size()));
    QCOMPARE(r.header("etag"), etag);
}

void TestHubFiles::contentDecidesHowFilesAreServed()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));

    // An HTML page and an SVG with script: attachments, sandboxed, never sniffed.
    const QByteArray html = "<html><script>alert(document.cookie)</script></html>";
    const QByteArray svg
        = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    for (const auto &[name, bytes, hint] :
         {std::tuple<QString, QByteArray, QString> {QStringLiteral("page.html"), html,
                                                    QStringLiteral("text/html")},
          {QStringLiteral("pic.svg"), svg, QStringLiteral("image/svg+xml")},
          // A PNG by name and hint only: it is not one.
          {QStringLiteral("fake.png"), html, QStringLiteral("image/png")}}) {
        const Uploaded file = upload(port, ana, name, QStringLiteral("lobby"), bytes, hint);
        QVERIFY(!file.fileId.isEmpty());
        const Response r = download(port, ana, file.fileId);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, bytes);
        QVERIFY2(r.header("content-disposition").startsWith("attachment;"),
                 r.header("content-disposition").constData());
        QCOMPARE(r.header("content-security-policy"), QByteArray("sandbox"));
        QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
        QVERIFY(r.header("content-type") != "image/png");
        QCOMPARE(download(port, ana, file.fileId, {}, "/thumbnail").status, 404);
    }
    // A real PNG, named as anything: inline, with its size and a thumbnail.
    const QByteArray image = png(640, 480);
    const Uploaded picture
        = upload(port, ana, QStringLiteral("照片 \"1\".dat"), QStringLiteral("lobby"), image);
    QVERIFY(!picture.fileId.isEmpty());
    const QJsonObject file = lastMessage(port, ana, QStringLiteral("lobby"))
                                 .value(QLatin1StringView("file"))
                                 .toObject();
    QCOMPARE(file.value(QLatin1StringView("type")).toString(), QStringLiteral("image/png"));
    QCOMPARE(file.value(QLatin1StringView("width")).toInt(), 640);
    QCOMPARE(file.value(QLatin1StringView("height")).toInt(), 480);
    QCOMPARE(file.value(QLatin1StringView("thumbnail")).toBool(), true);
    Response r = download(port, ana, picture.fileId);
    QCOMPARE(r.header("content-type"), QByteArray("image/png"));
    QCOMPARE(r.header("content-disposition"),
             QByteArray("inline; filename=\"__ _1_.dat\"; "
                        "filename*=UTF-8''%E7%85%A7%E7%89%87%20%221%22.dat"));
    QCOMPARE(r.header("content-security-policy"), QByteArray("sandbox"));
    r = download(port, ana, picture.fileId, {}, "?download=1");
    QVERIFY(r.header("content-disposition").startsWith("attachment;"));
    r = download(port, ana, picture.fileId, {}, "/thumbnail");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-type"), QByteArray("image/png"));
    QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
    const QImage thumbnail = QImage::fromData(r.body, "PNG");
    QCOMPARE(thumbnail.size(), QSize(320, 240));

    // A JPEG by content (and no hint): inline, thumbnail.
    QImage photo(200, 1000, QImage::Format_RGB32);
    photo.fill(Qt::red);
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(photo.save(&buffer, "JPEG"));
    const Uploaded tall = upload(port, ana, QStringLiteral("tall"), QStringLiteral("lobby"), jpeg);
    QCOMPARE(download(port, ana, tall.fileId).header("content-type"), QByteArray("image/jpeg"));
    QCOMPARE(QImage::fromData(download(port, ana, tall.fileId, {}, "/thumbnail").body).size(),
             QSize(64, 320));
}

void TestHubFiles::sameBytesStoredOnce()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const QByteArray bytes = randomBytes(70000);
    const Uploaded first = upload(port, ana, QStringLiteral("one"), QStringLiteral("lobby"), bytes);
    const Uploaded second
        = upload(port, bo, QStringLiteral("two"), QStringLiteral("lobby"), bytes, {}, 30000);
    QVERIFY(!first.fileId.isEmpty() && !second.fileId.isEmpty());
    QVERIFY(first.fileId != second.fileId);
    QVERIFY(first.messageId != second.messageId);
    QCOMPARE(blobCount(fixture.dataDir()), 1);
    QCOMPARE(download(port, ana, second.fileId).body, bytes);
    QVERIFY(QFileInfo::exists(fixture.dataDir() + QStringLiteral("/files/")
                              + QString::fromLatin1(sha256Hex(bytes).left(2)) + QLatin1Char('/')
                              + QString::fromLatin1(sha256Hex(bytes))));
    upload(port, ana, QStringLiteral("three"), QStringLiteral("lobby"), randomBytes(10));
    QCOMPARE(blobCount(fixture.dataDir()), 2);
}

void TestHubFiles::limits()
{
    HubSettings settings;
    settings.maxFileBytes = 1000;
    settings.maxStorageBytes = 2500;
    settings.maxUploadsPerMember = 2;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));

    QCOMPARE(tusCall(port, "OPTIONS", "/api/v2/uploads", {}).header("tus-max-size"),
             QByteArray("1000"));
    Response r = create(port, ana, QStringLiteral("big"), QStringLiteral("lobby"), 1001);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), QStringLiteral("file_too_large"));
    QCOMPARE(create(port, ana, QStringLiteral("a"), QStringLiteral("lobby"), 1000).status, 201);
    const Response second = create(port, ana, QStringLiteral("b"), QStringLiteral("lobby"), 500);
    QCOMPARE(second.status, 201);
    r = create(port, ana, QStringLiteral("c"), QStringLiteral("lobby"), 10);
    QCOMPARE(r.status, 429);
    QCOMPARE(r.errorCode(), QStringLiteral("too_many_uploads"));
    // Another member has uploads of their own, but the hub's storage is reserved: 1500 of 2500.
    QCOMPARE(create(port, bo, QStringLiteral("d"), QStringLiteral("lobby"), 1000).status, 201);
    r = create(port, bo, QStringLiteral("e"), QStringLiteral("lobby"), 1);
    QCOMPARE(r.status, 507);
    QCOMPARE(r.errorCode(), QStringLiteral("storage_full"));
    // Cancelling frees both.
    QCOMPARE(tusCall(port, "DELETE", second.header("location"), ana.token).status, 204);
    QCOMPARE(create(port, bo, QStringLiteral("e"), QStringLiteral("lobby"), 1).status, 201);

    const QByteArray metrics = call(port, "GET", "/metrics").body;
    QVERIFY2(metrics.contains("confab_uploads_started_total 4"), metrics.constData());
    QVERIFY(metrics.contains("confab_uploads_in_progress 3"));
}

void TestHubFiles::imageBombsGetNoThumbnail()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const QByteArray bomb = pngClaiming(50000, 50000);
    {
        // The test's premise: the header really claims that much.
        QBuffer claimed;
        claimed.setData(bomb);
        QVERIFY(claimed.open(QIODevice::ReadOnly));
        QCOMPARE(QImageReader(&claimed, "png").size(), QSize(50000, 50000));
    }
    QVERIFY(bomb.size() < 200);
    QByteArray corrupt = "\xff\xd8\xff\xe0" + randomBytes(3000);
    QByteArray truncatedPng = png(400, 400).left(120);
    for (const QByteArray &bytes : {bomb, corrupt, truncatedPng}) {
        const Uploaded file
            = upload(port, ana, QStringLiteral("x.png"), QStringLiteral("lobby"), bytes);
        QVERIFY(!file.fileId.isEmpty());
        const QJsonObject attachment = lastMessage(port, ana, QStringLiteral("lobby"))
                                           .value(QLatin1StringView("file"))
                                           .toObject();
        QCOMPARE(attachment.value(QLatin1StringView("thumbnail")).toBool(true), false);
        QVERIFY(!attachment.contains(QLatin1StringView("width")));
        QCOMPARE(download(port, ana, file.fileId, {}, "/thumbnail").status, 404);
        QCOMPARE(download(port, ana, file.fileId).body, bytes); // stored all the same
    }
    QCOMPARE(call(port, "GET", "/healthz").status, 200);
}

void TestHubFiles::filesCookieEndsWithItsSession()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    quint16 port = fixture.port();
    // Ana in the window, and Ana again in a browser the window handed a session to: one member,
    // two sessions.
    const Session window = signInToHub(port, QStringLiteral("Ana"));
    const Response issuedCode = callAs(port, window, "POST", "/api/v2/session/handoff");
    QCOMPARE(issuedCode.status, 201);
    const QByteArray codeBody
        = QJsonDocument(QJsonObject {{QStringLiteral("code"),
                                      issuedCode.json().value(QLatin1StringView("code"))}})
              .toJson(QJsonDocument::Compact);
    const Response redeemed = call(port, "POST", "/api/v2/session/handoff/redeem", codeBody,
                                   {{"Content-Type", "application/json"}});
    QCOMPARE(redeemed.status, 201);
    const Session browser {redeemed.json().value(QLatin1StringView("token")).toString().toLatin1(),
                           window.memberId, window.name};
    QVERIFY(!browser.token.isEmpty() && browser.token != window.token);
    const Uploaded file
        = upload(port, window, QStringLiteral("s.bin"), QStringLiteral("lobby"), randomBytes(500));
    const auto cookieOf = [&](const Session &session) -> QByteArray {
        const QByteArray set
            = callAs(port, session, "POST", "/api/v2/session/cookie").header("set-cookie");
        return "Cookie: " + set.left(set.indexOf(';')) + "\r\n";
    };
    const auto statusWith = [&](const QByteArray &cookie) {
        return rawRequest(port,
                          "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n" + cookie + "\r\n")
            .status;
    };
    const QByteArray windowCookie = cookieOf(window);
    const QByteArray firstBrowserCookie = cookieOf(browser);
    QCOMPARE(statusWith(windowCookie), 200);
    QCOMPARE(statusWith(firstBrowserCookie), 200);
    // Asked again (the page does after a reconnect): the new one replaces the session's old one.
    const QByteArray browserCookie = cookieOf(browser);
    QVERIFY(browserCookie != firstBrowserCookie);
    QCOMPARE(statusWith(browserCookie), 200);
    QCOMPARE(statusWith(firstBrowserCookie), 401);

    // The browser signs out: its cookie ends; the window's session and cookie go on.
    QCOMPARE(callAs(port, browser, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(statusWith(browserCookie), 401);
    QCOMPARE(statusWith(windowCookie), 200);
    QCOMPARE(callAs(port, window, "GET", "/api/v2/conversations").status, 200);
    // Across a restart of the hub, still bound to its session.
    QVERIFY(fixture.restart());
    port = fixture.port();
    QCOMPARE(statusWith(windowCookie), 200);
    QCOMPARE(statusWith(browserCookie), 401);
    QCOMPARE(callAs(port, window, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(statusWith(windowCookie), 401);
    QVERIFY(fixture.restart());
    port = fixture.port();
    QCOMPARE(statusWith(windowCookie), 401);
}

void TestHubFiles::filesCookie()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const QByteArray bytes = randomBytes(1000);
    const Uploaded file
        = upload(port, ana, QStringLiteral("c.bin"), QStringLiteral("lobby"), bytes);

    QCOMPARE(call(port, "POST", "/api/v2/session/cookie").status, 401);
    const Response issued = callAs(port, ana, "POST", "/api/v2/session/cookie");
    QCOMPARE(issued.status, 204);
    const QByteArray setCookie = issued.header("set-cookie");
    QVERIFY2(setCookie.startsWith("confab_files="), setCookie.constData());
    QVERIFY(setCookie.contains("; Path=/api/v2/files"));
    QVERIFY(setCookie.contains("; HttpOnly"));
    QVERIFY(setCookie.contains("; SameSite=Strict"));
    QVERIFY(!setCookie.contains("Secure")); // plain HTTP
    const QByteArray value = setCookie.mid(13, setCookie.indexOf(';') - 13);
    QVERIFY(value.size() >= 40);
    QVERIFY(value != ana.token);
    const QByteArray cookie = "Cookie: other=1; confab_files=" + value + "\r\n";

    Response r
        = rawRequest(port, "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n" + cookie + "\r\n");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, bytes);
    // Only on files: nowhere else, and not as a bearer token.
    QCOMPARE(rawRequest(port, "GET /api/v2/conversations HTTP/1.1\r\n" + cookie + "\r\n").status,
             401);
    QCOMPARE(rawRequest(port,
                        "GET /api/v2/conversations HTTP/1.1\r\nAuthorization: Bearer " + value
                            + "\r\n\r\n")
                 .status,
             401);
    QCOMPARE(rawRequest(port,
                        "GET /api/v2/files/" + file.fileId
                            + " HTTP/1.1\r\nCookie: confab_files=x\r\n\r\n")
                 .status,
             401);
    // Bo's own cookie works for Bo, and ends with Bo's session.
    const QByteArray boSet
        = callAs(port, bo, "POST", "/api/v2/session/cookie").header("set-cookie");
    const QByteArray boCookie = "Cookie: " + boSet.left(boSet.indexOf(';')) + "\r\n";
    QCOMPARE(
        rawRequest(port, "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n" + boCookie + "\r\n")
            .status,
        200);
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/session").status, 204);
    QCOMPARE(
        rawRequest(port, "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n" + boCookie + "\r\n")
            .status,
        401);
    // Ana's survives a restart (stored hashed).
    QVERIFY(fixture.restart());
    QCOMPARE(rawRequest(fixture.port(),
                        "GET /api/v2/files/" + file.fileId + " HTTP/1.1\r\n" + cookie + "\r\n")
                 .status,
             200);
    // Stored hashed: the value itself is nowhere in the data directory.
    QDirIterator files(fixture.dataDir(), QDir::Files);
    while (files.hasNext()) {
        QFile stored(files.next());
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QVERIFY2(!stored.readAll().contains(value), qPrintable(stored.fileName()));
    }
}

void TestHubFiles::brokenAndStalledConnectionsKeepWhatArrived()
{
    HubSettings settings;
    settings.requestTimeoutMs = 700;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const QByteArray bytes = randomBytes(200000);
    const Response created
        = create(port, ana, QStringLiteral("b.bin"), QStringLiteral("lobby"), bytes.size());
    const QByteArray location = created.header("location");
    const QByteArray head = "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1:"
        + QByteArray::number(port) + "\r\nAuthorization: Bearer " + ana.token
        + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n";

    // Broken: 50,000 of 120,000 body bytes, then the client goes away.
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket.waitForConnected(WaitMs));
        socket.write(head + "Upload-Offset: 0\r\nContent-Length: 120000\r\n\r\n"
                     + bytes.left(50000));
        QTRY_COMPARE_WITH_TIMEOUT(offsetOf(port, ana, location), qint64(50000), WaitMs);
        socket.abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(offsetOf(port, ana, location), qint64(50000), WaitMs);
    // Stalled: 30,000 more, then silence: cut after the request timeout, the bytes kept.
    QTcpSocket stalled;
    stalled.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(stalled.waitForConnected(WaitMs));
    stalled.write(head + "Upload-Offset: 50000\r\nContent-Length: 100000\r\n\r\n"
                  + bytes.mid(50000, 30000));
    bool closed = false;
    connect(&stalled, &QTcpSocket::disconnected, this, [&closed] { closed = true; });
    QTRY_VERIFY_WITH_TIMEOUT(closed, WaitMs);
    QCOMPARE(offsetOf(port, ana, location), qint64(80000));
    // The rest, and the file is whole.
    const Response done = patch(port, ana, location, 80000, bytes.mid(80000));
    QCOMPARE(done.status, 204);
    QCOMPARE(download(port, ana, done.header("confab-file-id")).body, bytes);
}

// A running PATCH's body is received on a worker thread (UploadTransfer), at most
// UploadTransferPool::MaxTransfers at once. DELETE, a newer PATCH and the hub's shutdown each cut
// it in the middle: what it wrote counts exactly, nothing is read
// twice or lost, and nothing crashes or leaks (ASan).
void TestHubFiles::patchesOnWorkerThreadsEndCleanly()
{
    HubSettings settings;
    settings.maxUploadsPerMember = UploadTransferPool::MaxTransfers + 2;
    auto fixture = std::make_unique<HubFixture>(settings);
    QVERIFY(fixture->started());
    const quint16 port = fixture->port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const QByteArray bytes = randomBytes(600000);
    const auto transfersOffThread = [port] {
        const QByteArray metrics = call(port, "GET", "/metrics").body;
        const qsizetype at = metrics.indexOf("\nconfab_upload_transfers_off_thread ");
        return at < 0 ? -1 : metrics.mid(at).split(' ').value(1).split('\n').value(0).toInt();
    };
    // A PATCH of `length` bytes from `offset`: the head and `first` bytes, then `second` more once
    // the worker has them (a worker takes over after the bytes that came with the head).
    const auto startPatch = [&](QTcpSocket &socket, const QByteArray &location, qint64 offset,
                                qint64 length, qint64 first, qint64 second) {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(WaitMs))
            return false;
        socket.write("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1:"
                     + QByteArray::number(port) + "\r\nAuthorization: Bearer " + ana.token
                     + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: "
                       "application/offset+octet-stream\r\nUpload-Offset: "
                     + QByteArray::number(offset) + "\r\nContent-Length: "
                     + QByteArray::number(length) + "\r\n\r\n" + bytes.mid(offset, first));
        if (!QTest::qWaitFor([&] { return offsetOf(port, ana, location) == offset + first; },
                             WaitMs))
            return false;
        socket.write(bytes.mid(offset + first, second));
        return QTest::qWaitFor(
            [&] { return offsetOf(port, ana, location) == offset + first + second; }, WaitMs);
    };
    QCOMPARE(transfersOffThread(), 0);

    // DELETE while the worker runs: the PATCH's connection is cut, the partial file goes.
    {
        const QByteArray location
            = create(port, ana, QStringLiteral("d.bin"), QStringLiteral("lobby"), bytes.size())
                  .header("location");
        QTcpSocket socket;
        QVERIFY(startPatch(socket, location, 0, bytes.size(), 1000, 100000));
        QCOMPARE(transfersOffThread(), 1);
        QCOMPARE(tusCall(port, "DELETE", location, ana.token).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, WaitMs);
        QCOMPARE(transfersOffThread(), 0);
        QCOMPARE(partialCount(fixture->dataDir()), 0);
    }

    // A newer PATCH from the offset HEAD reports cuts the older one, which keeps what it wrote;
    // one from a stale offset is refused and cuts nothing. The file ends up whole.
    {
        const QByteArray location
            = create(port, ana, QStringLiteral("s.bin"), QStringLiteral("lobby"), bytes.size())
                  .header("location");
        QTcpSocket older;
        QVERIFY(startPatch(older, location, 0, bytes.size(), 1000, 200000));
        QCOMPARE(patch(port, ana, location, 1000, bytes.mid(1000)).status, 409);
        QCOMPARE(older.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(transfersOffThread(), 1);
        const Response done = patch(port, ana, location, 201000, bytes.mid(201000));
        QCOMPARE(done.status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(older.state(), QAbstractSocket::UnconnectedState, WaitMs);
        QCOMPARE(download(port, ana, done.header("confab-file-id")).body, bytes);
        QCOMPARE(transfersOffThread(), 0);
    }

    // Bounded: with every worker busy, one more PATCH is received on the hub thread, and every
    // file ends up whole.
    {
        const int patches = UploadTransferPool::MaxTransfers + 1;
        std::vector<QByteArray> locations;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < patches; ++i) {
            locations.push_back(create(port, ana, QStringLiteral("n%1.bin").arg(i),
                                       QStringLiteral("lobby"), bytes.size())
                                    .header("location"));
            sockets.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(startPatch(*sockets.back(), locations.back(), 0, bytes.size(), 1000, 100000));
        }
        QCOMPARE(transfersOffThread(), UploadTransferPool::MaxTransfers);
        for (int i = 0; i < patches; ++i) {
            QByteArray answer;
            QTcpSocket &socket = *sockets[size_t(i)];
            const auto reading = connect(&socket, &QTcpSocket::readyRead, this,
                                         [&answer, &socket] { answer += socket.readAll(); });
            socket.write(bytes.mid(101000));
            QTRY_VERIFY_WITH_TIMEOUT(answer.contains("\r\n\r\n"), WaitMs);
            QVERIFY2(answer.startsWith("HTTP/1.1 204"), answer.constData());
            const QByteArray fileId
                = answer.mid(answer.indexOf("Confab-File-Id: ") + 16).split('\r').value(0);
            disconnect(reading);
            QCOMPARE(download(port, ana, fileId).body, bytes);
        }
        QCOMPARE(transfersOffThread(), 0);
    }

    // The hub stops while a worker reads: what arrived is on disk for the next start.
    const QByteArray location
        = create(port, ana, QStringLiteral("r.bin"), QStringLiteral("lobby"), bytes.size())
              .header("location");
    QTcpSocket running;
    QVERIFY(startPatch(running, location, 0, bytes.size(), 1000, 150000));
    QCOMPARE(transfersOffThread(), 1);
    QVERIFY(fixture->restart());
    const quint16 newPort = fixture->port();
    QCOMPARE(offsetOf(newPort, ana, location), qint64(151000));
    const Response done = patch(newPort, ana, location, 151000, bytes.mid(151000));
    QCOMPARE(done.status, 204);
    QCOMPARE(download(newPort, ana, done.header("confab-file-id")).body, bytes);
    fixture.reset();
}

void TestHubFiles::unfinishedUploadsExpire()
{
    HubSettings settings;
    // Long enough for the steps below on a loaded machine under ASan, short enough to wait for.
    settings.uploadExpiryMs = 3000;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const QByteArray bytes = randomBytes(1000);
    const Uploaded finished
        = upload(port, ana, QStringLiteral("kept"), QStringLiteral("lobby"), bytes);
    const Response created
        = create(port, ana, QStringLiteral("left"), QStringLiteral("lobby"), 1000);
    const QByteArray location = created.header("location");
    QCOMPARE(patch(port, ana, location, 0, bytes.left(10)).status, 204);
    QCOMPARE(partialCount(fixture.dataDir()), 1);
    QTRY_COMPARE_WITH_TIMEOUT(tusCall(port, "HEAD", location, ana.token).status, 404, WaitMs);
    // Unknown at once; its bytes go at the next sweep (a quarter of the expiry time later).
    QTRY_COMPARE_WITH_TIMEOUT(partialCount(fixture.dataDir()), 0, WaitMs);
    // What a message refers to stays.
    QCOMPARE(download(port, ana, finished.fileId).body, bytes);
}

void TestHubFiles::restartResumesFromTheDisk()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    const QByteArray bytes = randomBytes(150000);
    const Response created = create(fixture.port(), ana, QStringLiteral("r.bin"),
                                    QStringLiteral("lobby"), bytes.size());
    const QByteArray location = created.header("location");
    QCOMPARE(patch(fixture.port(), ana, location, 0, bytes.left(64000)).status, 204);
    QVERIFY(fixture.restart());
    const quint16 port = fixture.port();
    QCOMPARE(offsetOf(port, ana, location), qint64(64000));
    const Response done = patch(port, ana, location, 64000, bytes.mid(64000));
    QCOMPARE(done.status, 204);
    // The hash continued from what was on disk.
    const QJsonObject file = lastMessage(port, ana, QStringLiteral("lobby"))
                                 .value(QLatin1StringView("file"))
                                 .toObject();
    QCOMPARE(file.value(QLatin1StringView("sha256")).toString().toLatin1(), sha256Hex(bytes));
    QCOMPARE(download(port, ana, done.header("confab-file-id")).body, bytes);
}

void TestHubFiles::curlByHand()
{
    const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    if (curl.isEmpty())
        QSKIP("curl is not installed");
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    QTemporaryDir dir;
    const QByteArray bytes = randomBytes(5 * 1024 * 1024 + 3);
    const QString source = dir.filePath(QStringLiteral("source.bin"));
    {
        QFile out(source);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
    }
    // The hub runs on this thread: curl must run while the event loop does.
    const auto run = [&](const QStringList &arguments) {
        QProcess process;
        process.start(curl, QStringList {QStringLiteral("-sS"), QStringLiteral("-k")} + arguments);
        if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, WaitMs * 3))
            process.kill();
        return QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
    };
    for (const QString &scheme : {QStringLiteral("http"), QStringLiteral("https")}) {
        const QString base = QStringLiteral("%1://127.0.0.1:%2").arg(scheme).arg(port);
        const QString auth
            = QStringLiteral("Authorization: Bearer ") + QString::fromLatin1(ana.token);
        const QString created
            = run({QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("POST"),
                   QStringLiteral("-H"), auth, QStringLiteral("-H"),
                   QStringLiteral("Tus-Resumable: 1.0.0"), QStringLiteral("-H"),
                   QStringLiteral("Upload-Length: %1").arg(bytes.size()), QStringLiteral("-H"),
                   QStringLiteral("Upload-Metadata: ")
                       + QString::fromLatin1(
                           metadata(QStringLiteral("curl.bin"), QStringLiteral("lobby"))),
                   base + QStringLiteral("/api/v2/uploads")});
        const QRegularExpressionMatch location
            = QRegularExpression(QStringLiteral("(?i)location: (\\S+)")).match(created);
        QVERIFY2(location.hasMatch(), qPrintable(created));
        const QString patched
            = run({QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("PATCH"),
                   QStringLiteral("-H"), auth, QStringLiteral("-H"),
                   QStringLiteral("Tus-Resumable: 1.0.0"), QStringLiteral("-H"),
                   QStringLiteral("Upload-Offset: 0"), QStringLiteral("-H"),
                   QStringLiteral("Content-Type: application/offset+octet-stream"),
                   QStringLiteral("--data-binary"), QLatin1Char('@') + source,
                   base + location.captured(1)});
        // curl asks for 100-continue before a large body; the hub says so at once.
        QVERIFY2(patched.startsWith(QLatin1StringView("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204")),
                 qPrintable(patched));
        const QRegularExpressionMatch fileId
            = QRegularExpression(QStringLiteral("(?i)confab-file-id: (f_[0-9a-f]{16})"))
                  .match(patched);
        QVERIFY2(fileId.hasMatch(), qPrintable(patched));
        const QString target = dir.filePath(scheme + QStringLiteral(".bin"));
        run({QStringLiteral("-H"), auth, QStringLiteral("-o"), target,
             base + QStringLiteral("/api/v2/files/") + fileId.captured(1)});
        QFile in(target);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QCOMPARE(sha256Hex(in.readAll()), sha256Hex(bytes));
        // The files cookie is Secure exactly when it was asked for over TLS.
        const QString cookie
            = run({QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("POST"),
                   QStringLiteral("-H"), auth, base + QStringLiteral("/api/v2/session/cookie")});
        QVERIFY2(cookie.contains(QLatin1StringView("Set-Cookie: confab_files=")),
                 qPrintable(cookie));
        QCOMPARE(cookie.contains(QLatin1StringView("; Secure")),
                 scheme == QLatin1StringView("https"));
    }
}

void TestHubFiles::killedHubResumes()
{
    // A real `confab serve` process, killed with SIGKILL in the middle of a PATCH.
    QTemporaryDir dataDir;
    HubProcess hub(dataDir.path(), {QStringLiteral("--tls"), QStringLiteral("off")});
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    const Session ana = signInToHub(hub.port(), QStringLiteral("Ana"));
    QVERIFY(!ana.token.isEmpty());
    constexpr qsizetype Size = 24 * 1024 * 1024;
    const QByteArray bytes = randomBytes(Size);
    const Response created
        = create(hub.port(), ana, QStringLiteral("crash.bin"), QStringLiteral("lobby"), Size);
    QCOMPARE(created.status, 201);
    const QByteArray location = created.header("location");

    // The body goes out slowly (1 MiB every 20 ms), so the kill lands in its middle.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, hub.port());
    QVERIFY(socket.waitForConnected(WaitMs));
    socket.write("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1:"
                 + QByteArray::number(hub.port()) + "\r\nAuthorization: Bearer " + ana.token
                 + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                   "Upload-Offset: 0\r\nContent-Length: "
                 + QByteArray::number(Size) + "\r\n\r\n");
    constexpr qsizetype Piece = 1024 * 1024;
    qsizetype sent = 0;
    QTimer pacer;
    connect(&pacer, &QTimer::timeout, this, [&] {
        if (sent < Size && socket.state() == QAbstractSocket::ConnectedState) {
            socket.write(bytes.mid(sent, Piece));
            sent += Piece;
        }
    });
    pacer.start(20);
    QTRY_VERIFY_WITH_TIMEOUT(offsetOf(hub.port(), ana, location) >= 4 * Piece, WaitMs);
    hub.kill();
    pacer.stop();
    socket.abort();
    QVERIFY(sent < Size);

    QVERIFY2(hub.start(hub.port()), qPrintable(hub.errorText()));
    const qint64 offset = offsetOf(hub.port(), ana, location);
    QVERIFY2(offset >= 4 * Piece && offset < Size, qPrintable(QString::number(offset)));
    const Response done = patch(hub.port(), ana, location, offset, bytes.mid(offset));
    QCOMPARE(done.status, 204);
    const QJsonObject file = lastMessage(hub.port(), ana, QStringLiteral("lobby"))
                                 .value(QLatin1StringView("file"))
                                 .toObject();
    QCOMPARE(file.value(QLatin1StringView("sha256")).toString().toLatin1(), sha256Hex(bytes));
    QCOMPARE(sha256Hex(download(hub.port(), ana, done.header("confab-file-id")).body),
             sha256Hex(bytes));
}

QTEST_GUILESS_MAIN(TestHubFiles)
#include "tst_hubfiles.moc"
