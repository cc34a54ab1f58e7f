// Files in the window, on the offscreen platform, between a hosting window (its own hub on
// 127.0.0.1) and a joining one: attach → a row in the transfers strip → the message with its
// thumbnail in the other window's timeline → full size in the viewer → Save… into the download
// folder ("name (1).ext" the second time); a dropped file shown as a card; a pasted image sent as
// a PNG; pause and resume from the strip; an unfinished upload, and an unfinished download,
// resumed after a restart (the download without fetching again the bytes it had).

#include "attachmentcontroller.h"
#include "attachmentview.h"
#include "chatpage.h"
#include "composer.h"
#include "conversationview.h"
#include "downloadjournal.h"
#include "fileattachment.h"
#include "hubconnection.h"
#include "imageviewer.h"
#include "mainwindow.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "protocol.h"
#include "roomhost.h"
#include "thumbnailcache.h"
#include "transfers.h"
#include "transferstrip.h"
#include "translations.h"
#include "uploadjournal.h"

#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonObject>
#include <QLabel>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPainter>
#include <QProgressBar>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace confab;

namespace {

constexpr int NetworkWaitMs = 60000;
constexpr qint64 MiB = 1024 * 1024;

bool isLive(const MainWindow &window)
{
    return window.connection() && window.connection()->state() == HubConnection::State::Live;
}

ConversationView *lobbyView(const MainWindow &window)
{
    return window.chatPage()->viewFor(QString::fromLatin1(protocol::DefaultRoomId));
}

// The newest row of the timeline whose attachment has that name, or an invalid index.
QModelIndex attachmentRow(const QAbstractItemModel *model, const QString &name)
{
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = model->index(row, 0);
        const QVariant value = index.data(MessageModel::AttachmentRole);
        if (value.isValid() && value.value<FileAttachment>().name == name)
            return index;
    }
    return {};
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

QImage testImage(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient gradient(0, 0, width, height);
    gradient.setColorAt(0, QColor(30, 120, 200));
    gradient.setColorAt(1, QColor(250, 190, 60));
    painter.fillRect(image.rect(), gradient);
    painter.setPen(Qt::white);
    painter.setFont(QFont(QStringLiteral("Sans"), height / 8));
    painter.drawText(image.rect(), Qt::AlignCenter, QStringLiteral("Confab"));
    return image;
}

void writeRandomFile(const QString &path, qint64 size)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray block(int(MiB), Qt::Uninitialized);
    for (qint64 left = size; left > 0; left -= block.size()) {
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(block.data()),
                                              block.size() / 4);
        file.write(block.constData(), std::min<qint64>(left, block.size()));
    }
}

void saveScreenshot(QWidget &window, const QString &name)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QApplication::processEvents();
    window.grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

// The hub's confab_download_bytes_total (file bytes it sent), -1 when /metrics cannot be read.
qint64 downloadBytesServed(const QUrl &hub)
{
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(hub.resolved(QUrl(QStringLiteral("/metrics")))));
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, NetworkWaitMs))
        return -1;
    static const QRegularExpression line(QStringLiteral("^confab_download_bytes_total (\\d+)$"),
                                         QRegularExpression::MultilineOption);
    const auto match = line.match(QString::fromUtf8(reply->readAll()));
    reply->deleteLater();
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

} // namespace

class TestFilesWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void attachShowsProgressThenThumbnailViewerAndSave();
    void dropPasteAndPauseResume();
    void unfinishedUploadResumesAfterARestart();
    void unfinishedDownloadResumesAfterARestart();
    void attachmentNamesAreDisplayTextOnly();
    void screenshots();

private:
    struct Pair
    {
        std::unique_ptr<MainWindow> host;
        std::unique_ptr<MainWindow> guest;
    };
    bool open(Pair &pair, QTemporaryDir &hostDir, QTemporaryDir &guestDir, const QString &ana,
              const QString &bo);
};

void TestFilesWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and data never touch the user's
}

bool TestFilesWindow::open(Pair &pair, QTemporaryDir &hostDir, QTemporaryDir &guestDir,
                           const QString &ana, const QString &bo)
{
    pair.host = std::make_unique<MainWindow>();
    pair.host->setDataDir(hostDir.path());
    pair.host->setHostBindAddress(QHostAddress(QHostAddress::LocalHost));
    pair.host->setAnnounceHostedRooms(false);
    pair.host->resize(1000, 700);
    pair.host->show();
    HostRequest request;
    request.name = ana;
    request.title = QStringLiteral("Files");
    request.port = 0;
    if (!pair.host->hostRoom(request))
        return false;
    if (!QTest::qWaitFor([&] { return isLive(*pair.host) && lobbyView(*pair.host); },
                         NetworkWaitMs))
        return false;
    pair.guest = std::make_unique<MainWindow>();
    pair.guest->setDataDir(guestDir.path());
    pair.guest->resize(1000, 700);
    pair.guest->show();
    pair.guest->joinRoom({pair.host->roomHost()->localUrl(), QString(), bo, QString(), QString()});
    return QTest::qWaitFor([&] { return isLive(*pair.guest) && lobbyView(*pair.guest); },
                           NetworkWaitMs);
}

void TestFilesWindow::attachShowsProgressThenThumbnailViewerAndSave()
{
    QTemporaryDir hostDir;
    QTemporaryDir guestDir;
    QTemporaryDir files;
    Pair pair;
    QVERIFY(open(pair, hostDir, guestDir, QStringLiteral("Ana"), QStringLiteral("Bo")));
    ConversationView *anaView = lobbyView(*pair.host);
    ConversationView *boView = lobbyView(*pair.guest);
    AttachmentController *anaFiles = anaView->attachments();
    QVERIFY(anaFiles->attachButton()->isVisible());
    QVERIFY(anaFiles->attachButton()->isEnabled());

    const QString png = files.filePath(QStringLiteral("photo.png"));
    QVERIFY(testImage(640, 480).save(png));
    anaFiles->sendFiles({png});
    // A row in Ana's strip at once: the name and a progress bar.
    QCOMPARE(anaFiles->strip()->rowCount(), 1);
    QVERIFY(anaFiles->strip()->isVisible());
    const int id = anaFiles->transfers()->ids().constLast();
    QCOMPARE(anaFiles->transfers()->info(id).name, QStringLiteral("photo.png"));
    QVERIFY(anaFiles->strip()->rowWidget(id)->findChild<QProgressBar *>());

    // Bo's timeline gets the message with the file, an image with a thumbnail.
    const QAbstractItemModel *boTimeline = boView->messageView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(boTimeline, QStringLiteral("photo.png")).isValid(),
                             NetworkWaitMs);
    const QModelIndex row = attachmentRow(boTimeline, QStringLiteral("photo.png"));
    const auto file = row.data(MessageModel::AttachmentRole).value<FileAttachment>();
    QCOMPARE(file.type, QStringLiteral("image/png"));
    QCOMPARE(file.width, 640);
    QCOMPARE(file.height, 480);
    QVERIFY(file.thumbnail);
    QCOMPARE(file.sha256.toLatin1(), sha256Of(png));
    QVERIFY(attachmentview::showsInline(file));
    // Ana's row is done and goes away by itself.
    QTRY_COMPARE_WITH_TIMEOUT(anaFiles->transfers()->info(id).state, Transfers::State::Done,
                              NetworkWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(anaFiles->strip()->rowCount(), 0, TransferStrip::DoneLingerMs * 3);
    QVERIFY(!anaFiles->strip()->isVisible());

    // The row is as tall as the thumbnail (320 × 240 for 640 × 480), which the cache fetched.
    boView->messageView()->scrollToNewest();
    ThumbnailCache *thumbnails = boView->attachments()->thumbnails();
    QTRY_VERIFY_WITH_TIMEOUT(!thumbnails->image(file.id).isNull(), NetworkWaitMs);
    QCOMPARE(thumbnails->image(file.id).size(), QSize(320, 240));
    QCOMPARE(attachmentview::thumbnailBox(file), QSize(320, 240));
    QVERIFY(boView->messageView()->visualRect(row).height() >= 240);

    // A click on the thumbnail opens the viewer at full size.
    const QRect rect = boView->messageView()->visualRect(row);
    QStyleOptionViewItem option;
    option.initFrom(boView->messageView()->viewport());
    option.rect = rect;
    option.font = boView->messageView()->font();
    QString viewLink;
    QString saveLink;
    for (int y = rect.top(); y <= rect.bottom() && (viewLink.isEmpty() || saveLink.isEmpty());
         y += 4) {
        for (int x = rect.left(); x <= rect.right(); x += 8) {
            const QString link
                = boView->messageView()->messageDelegate()->linkAt(option, row, QPoint(x, y));
            if (link.contains(QLatin1StringView(":view/")) && viewLink.isEmpty())
                viewLink = link;
            if (link.contains(QLatin1StringView(":save/")) && saveLink.isEmpty())
                saveLink = link;
        }
    }
    QCOMPARE(viewLink, attachmentview::makeLink(attachmentview::Action::View, file.id));
    QCOMPARE(saveLink, attachmentview::makeLink(attachmentview::Action::Save, file.id));
    emit boView->messageView()->linkActivated(viewLink);
    ImageViewer *viewer = boView->findChild<ImageViewer *>();
    QVERIFY(viewer);
    QTRY_VERIFY_WITH_TIMEOUT(viewer->hasImage(), NetworkWaitMs);
    QCOMPARE(viewer->imageLabel()->pixmap().size(), QSize(640, 480));
    viewer->close();

    // Save… downloads into the download folder; a second time under a free name.
    QTemporaryDir downloads;
    boView->attachments()->setDownloadDirectory(downloads.path());
    emit boView->messageView()->linkActivated(saveLink);
    const QString saved = downloads.filePath(QStringLiteral("photo.png"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(saved), NetworkWaitMs);
    QCOMPARE(sha256Of(saved), sha256Of(png));
    emit boView->messageView()->linkActivated(saveLink);
    const QString second = downloads.filePath(QStringLiteral("photo (1).png"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(second), NetworkWaitMs);
    QCOMPARE(sha256Of(second), sha256Of(png));
    QCOMPARE(QDir(downloads.path()).entryList(QDir::Files).size(), 2); // no .part left over

    // A download the app did not finish (its .part is there) is continued under its own name.
    QTemporaryDir later;
    {
        QFile source(png);
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile part(later.filePath(QStringLiteral("photo.png.part")));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(source.read(1000));
    }
    boView->attachments()->setDownloadDirectory(later.path());
    emit boView->messageView()->linkActivated(saveLink);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(later.filePath(QStringLiteral("photo.png"))),
                             NetworkWaitMs);
    QCOMPARE(sha256Of(later.filePath(QStringLiteral("photo.png"))), sha256Of(png));
    QCOMPARE(QDir(later.path()).entryList(QDir::Files), QStringList {QStringLiteral("photo.png")});
}

void TestFilesWindow::dropPasteAndPauseResume()
{
    QTemporaryDir hostDir;
    QTemporaryDir guestDir;
    QTemporaryDir files;
    Pair pair;
    QVERIFY(open(pair, hostDir, guestDir, QStringLiteral("Ana"), QStringLiteral("Bo")));
    ConversationView *anaView = lobbyView(*pair.host);
    const QAbstractItemModel *boTimeline = lobbyView(*pair.guest)->messageView()->model();

    // A file dropped onto the conversation is sent, and shown as a card (not an image).
    const QString notes = files.filePath(QStringLiteral("notes.txt"));
    {
        QFile file(notes);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("minutes of the meeting\n");
    }
    QMimeData dropped;
    dropped.setUrls({QUrl::fromLocalFile(notes)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(anaView, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(anaView, &drop);
    QVERIFY(drop.isAccepted());
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(boTimeline, QStringLiteral("notes.txt")).isValid(),
                             NetworkWaitMs);
    const auto card = attachmentRow(boTimeline, QStringLiteral("notes.txt"))
                          .data(MessageModel::AttachmentRole)
                          .value<FileAttachment>();
    QVERIFY(!attachmentview::showsInline(card));
    QCOMPARE(card.size, 23);
    // Text dropped is still text: not a file.
    QMimeData text;
    text.setText(QStringLiteral("just words"));
    QDragEnterEvent textEnter(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton,
                              Qt::NoModifier);
    QApplication::sendEvent(anaView, &textEnter);
    QVERIFY(!textEnter.isAccepted());

    // An image pasted into the composer is sent as a PNG.
    QApplication::clipboard()->setImage(testImage(200, 100));
    anaView->composer()->setFocus();
    anaView->composer()->paste();
    QVERIFY(anaView->composer()->toPlainText().isEmpty()); // not pasted as text
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int row = boTimeline->rowCount() - 1; row >= 0; --row) {
                const QVariant value = boTimeline->index(row, 0).data(MessageModel::AttachmentRole);
                if (value.isValid()
                    && value.value<FileAttachment>().type == QLatin1StringView("image/png")
                    && value.value<FileAttachment>().width == 200)
                    return true;
            }
            return false;
        }(),
        NetworkWaitMs);

    // Pause and resume from the strip's buttons.
    const QString big = files.filePath(QStringLiteral("big.bin"));
    writeRandomFile(big, 64 * MiB);
    Transfers *transfers = anaView->attachments()->transfers();
    transfers->setChunkBytes(MiB);
    anaView->attachments()->sendFiles({big});
    const int id = transfers->ids().constLast();
    QWidget *row = anaView->attachments()->strip()->rowWidget(id);
    QVERIFY(row);
    auto *pause = row->findChild<QToolButton *>(QStringLiteral("pauseButton"));
    QVERIFY(pause);
    QTRY_VERIFY_WITH_TIMEOUT(transfers->info(id).done > 0, NetworkWaitMs);
    pause->click();
    QTRY_COMPARE_WITH_TIMEOUT(transfers->info(id).state, Transfers::State::Paused, NetworkWaitMs);
    const qint64 pausedAt = transfers->info(id).done;
    QVERIFY(pausedAt < 64 * MiB);
    QCOMPARE(pause->text(), TransferStrip::tr("Resume"));
    QTest::qWait(200);
    QCOMPARE(transfers->info(id).done, pausedAt); // nothing moves while paused
    pause->click();
    QTRY_COMPARE_WITH_TIMEOUT(transfers->info(id).state, Transfers::State::Done, NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(boTimeline, QStringLiteral("big.bin")).isValid(),
                             NetworkWaitMs);
    QCOMPARE(attachmentRow(boTimeline, QStringLiteral("big.bin"))
                 .data(MessageModel::AttachmentRole)
                 .value<FileAttachment>()
                 .sha256.toLatin1(),
             sha256Of(big));
}

void TestFilesWindow::unfinishedUploadResumesAfterARestart()
{
    QTemporaryDir hostDir;
    QTemporaryDir guestDir;
    QTemporaryDir files;
    Pair pair;
    QVERIFY(open(pair, hostDir, guestDir, QStringLiteral("Ana"), QStringLiteral("Bo")));
    const QString big = files.filePath(QStringLiteral("resume.bin"));
    writeRandomFile(big, 32 * MiB);
    // Bo starts an upload and quits with it paused (the journal keeps it).
    ConversationView *boView = lobbyView(*pair.guest);
    Transfers *transfers = boView->attachments()->transfers();
    transfers->setChunkBytes(MiB);
    boView->attachments()->sendFiles({big});
    const int id = transfers->ids().constLast();
    QTRY_VERIFY_WITH_TIMEOUT(transfers->info(id).done >= 2 * MiB, NetworkWaitMs);
    transfers->pause(id);
    QTRY_COMPARE_WITH_TIMEOUT(transfers->info(id).state, Transfers::State::Paused, NetworkWaitMs);
    const QUrl hub = pair.host->roomHost()->localUrl();
    // The journal (next to the sessions) names the upload: what a restart resumes from.
    QCOMPARE(UploadJournal(pair.guest->connection()->storageDir()).load().size(), 1);
    const QString storage = pair.guest->connection()->storageDir();
    pair.guest.reset();

    // Bo's window again, same data: the upload goes on by itself and the message arrives.
    pair.guest = std::make_unique<MainWindow>();
    pair.guest->setDataDir(guestDir.path());
    pair.guest->show();
    pair.guest->joinRoom({hub, QString(), QStringLiteral("Bo"), QString(), QString()});
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*pair.guest) && lobbyView(*pair.guest), NetworkWaitMs);
    const QAbstractItemModel *anaTimeline = lobbyView(*pair.host)->messageView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(anaTimeline, QStringLiteral("resume.bin")).isValid(),
                             NetworkWaitMs);
    QCOMPARE(attachmentRow(anaTimeline, QStringLiteral("resume.bin"))
                 .data(MessageModel::AttachmentRole)
                 .value<FileAttachment>()
                 .sha256.toLatin1(),
             sha256Of(big));
    QCOMPARE(Transfers::of(pair.guest->connection())->ids().size(), 1); // no second upload
    QTRY_VERIFY_WITH_TIMEOUT(UploadJournal(storage).load().isEmpty(), NetworkWaitMs);
}

void TestFilesWindow::unfinishedDownloadResumesAfterARestart()
{
    QTemporaryDir hostDir;
    QTemporaryDir guestDir;
    QTemporaryDir files;
    QTemporaryDir downloads;
    Pair pair;
    QVERIFY(open(pair, hostDir, guestDir, QStringLiteral("Ana"), QStringLiteral("Bo")));
    const QString lobby = QString::fromLatin1(protocol::DefaultRoomId);
    const QString source = files.filePath(QStringLiteral("dataset.bin"));
    const qint64 size = 64 * MiB;
    writeRandomFile(source, size);
    lobbyView(*pair.host)->attachments()->sendFiles({source});
    const QAbstractItemModel *boTimeline = lobbyView(*pair.guest)->messageView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(boTimeline, QStringLiteral("dataset.bin")).isValid(),
                             NetworkWaitMs);
    const auto file = attachmentRow(boTimeline, QStringLiteral("dataset.bin"))
                          .data(MessageModel::AttachmentRole)
                          .value<FileAttachment>();
    // And a second file, which will have vanished from the hub by the time Bo's app starts again.
    const QString goneSource = files.filePath(QStringLiteral("gone.bin"));
    writeRandomFile(goneSource, MiB);
    lobbyView(*pair.host)->attachments()->sendFiles({goneSource});
    QTRY_VERIFY_WITH_TIMEOUT(attachmentRow(boTimeline, QStringLiteral("gone.bin")).isValid(),
                             NetworkWaitMs);
    const auto goneFile = attachmentRow(boTimeline, QStringLiteral("gone.bin"))
                              .data(MessageModel::AttachmentRole)
                              .value<FileAttachment>();
    const QUrl hub = pair.host->roomHost()->localUrl();
    const QString storage = pair.guest->connection()->storageDir();

    // Bo saves it, and the app goes away in the middle, the download running (not paused).
    Transfers *transfers = Transfers::of(pair.guest->connection());
    const int id = transfers->download(lobby, file, downloads.path());
    const QString target = downloads.filePath(QStringLiteral("dataset.bin"));
    const QString part = target + QStringLiteral(".part");
    bool quitting = false;
    connect(transfers, &Transfers::changed, this, [&](int changed) {
        if (quitting || changed != id || transfers->info(id).done < 8 * MiB)
            return;
        quitting = true; // from the event loop, not from inside the transfer's own signal
        QMetaObject::invokeMethod(
            this, [&pair] { pair.guest.reset(); }, Qt::QueuedConnection);
    });
    QTRY_VERIFY_WITH_TIMEOUT(!pair.guest, NetworkWaitMs);
    const qint64 onDisk = QFileInfo(part).size();
    QVERIFY2(onDisk >= 8 * MiB && onDisk < size, qPrintable(QString::number(onDisk)));
    QVERIFY(!QFile::exists(target));
    const QList<PendingDownload> journal = DownloadJournal(storage).load();
    QCOMPARE(journal.size(), 1);
    QCOMPARE(journal.constFirst().targetPath, QFileInfo(target).absoluteFilePath());
    QCOMPARE(journal.constFirst().file.sha256, file.sha256);
    // The second file's download had stopped too (its .part and journal entry are there).
    const QString goneTarget = downloads.filePath(QStringLiteral("gone.bin"));
    {
        QFile goneSourceFile(goneSource);
        QVERIFY(goneSourceFile.open(QIODevice::ReadOnly));
        QFile gonePart(goneTarget + QStringLiteral(".part"));
        QVERIFY(gonePart.open(QIODevice::WriteOnly));
        gonePart.write(goneSourceFile.read(1000));
    }
    QVERIFY(DownloadJournal(storage).put({UploadJournal::hubKey(hub),
                                          UploadJournal::memberKey(QStringLiteral("Bo")), lobby,
                                          goneFile, QFileInfo(goneTarget).absoluteFilePath()}));
    // Its bytes vanish from the hub's storage (a data directory cleaned by hand, a backup put
    // back): the hub answers 404 for it from now on.
    int blobs = 0;
    QDirIterator stored(hostDir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (stored.hasNext()) {
        const QString path = stored.next();
        if (QFileInfo(path).fileName() == goneFile.sha256 && QFile::remove(path))
            ++blobs;
    }
    QCOMPARE(blobs, 1);
    // What the hub sent so far, once the broken connection is over on its side too.
    qint64 servedBefore = -1;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const qint64 now = downloadBytesServed(hub);
            const bool settled = now >= onDisk && now == servedBefore;
            servedBefore = now;
            return settled;
        }(),
        NetworkWaitMs);

    // Bo's window again: the download goes on by itself, in the strip, from the .part.
    pair.guest = std::make_unique<MainWindow>();
    pair.guest->setDataDir(guestDir.path());
    pair.guest->resize(1280, 700); // the strip's whole status line fits (the screenshot)
    pair.guest->show();
    transfers = nullptr;
    bool shot = false;
    pair.guest->joinRoom({hub, QString(), QStringLiteral("Bo"), QString(), QString()});
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*pair.guest) && lobbyView(*pair.guest), NetworkWaitMs);
    transfers = Transfers::of(pair.guest->connection());
    QTRY_COMPARE_WITH_TIMEOUT(transfers->ids().size(), 2, NetworkWaitMs);
    int again = 0;
    int goneId = 0;
    for (const int each : transfers->ids())
        (transfers->info(each).name == QStringLiteral("dataset.bin") ? again : goneId) = each;
    QVERIFY(again && goneId);
    TransferStrip *strip = lobbyView(*pair.guest)->attachments()->strip();
    connect(transfers, &Transfers::changed, this, [&](int changed) {
        const Transfers::Info info = transfers->info(changed);
        if (shot || info.state != Transfers::State::Active || info.done <= info.resumedFrom)
            return;
        shot = true;
        // The row says where it took up again (the strip updated on this same signal first).
        const auto *status
            = strip->rowWidget(changed)->findChild<QLabel *>(QStringLiteral("transferStatus"));
        const QString text = TransferStrip::statusText(status);
        QVERIFY2(text.contains(QStringLiteral("resumed at ")
                               + attachmentview::formatSize(info.resumedFrom)),
                 qPrintable(text));
        saveScreenshot(*pair.guest, QStringLiteral("download-resumed-en"));
    });
    QTRY_COMPARE_WITH_TIMEOUT(transfers->info(again).state, Transfers::State::Done, NetworkWaitMs);
    const Transfers::Info info = transfers->info(again);
    QCOMPARE(info.kind, Transfers::Kind::Download);
    QCOMPARE(info.resumedFrom, onDisk); // Range from the .part's size
    QCOMPARE(sha256Of(target), file.sha256.toLatin1());
    QCOMPARE(sha256Of(target), sha256Of(source));
    QVERIFY(!QFile::exists(part));
    // The file gone from the hub: a readable failure in its row, and its .part removed.
    QTRY_COMPARE_WITH_TIMEOUT(transfers->info(goneId).state, Transfers::State::Failed,
                              NetworkWaitMs);
    QVERIFY2(transfers->info(goneId).error.contains(QStringLiteral("no longer on the hub")),
             qPrintable(transfers->info(goneId).error));
    const auto *goneStatus
        = strip->rowWidget(goneId)->findChild<QLabel *>(QStringLiteral("transferStatus"));
    QVERIFY(TransferStrip::statusText(goneStatus).startsWith(QStringLiteral("Failed: ")));
    saveScreenshot(*pair.guest, QStringLiteral("download-gone-en"));
    QCOMPARE(QDir(downloads.path()).entryList(QDir::Files),
             QStringList {QStringLiteral("dataset.bin")});
    // The hub sent only the rest: the bytes on disk were not fetched again.
    QCOMPARE(downloadBytesServed(hub) - servedBefore, size - onDisk);
    QVERIFY(DownloadJournal(storage).load().isEmpty());
}

void TestFilesWindow::screenshots()
{
    // Not a check: the window with files as people see it. Run alone on a display (xvfb-run),
    // LANG choosing the language:  CONFAB_SCREENSHOT_DIR=DIR tst_fileswindow screenshots
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty() || QGuiApplication::platformName() == QLatin1StringView("offscreen"))
        QSKIP("set CONFAB_SCREENSHOT_DIR and run on a display");
    const QString language = installTranslations(QString());
    const bool zh = language.startsWith(QLatin1StringView("zh"));
    QTemporaryDir hostDir;
    QTemporaryDir guestDir;
    QTemporaryDir files;
    Pair pair;
    QVERIFY(open(pair, hostDir, guestDir, zh ? QStringLiteral("安娜") : QStringLiteral("Ana"),
                 zh ? QStringLiteral("小博") : QStringLiteral("Bo")));
    ConversationView *anaView = lobbyView(*pair.host);
    ConversationView *boView = lobbyView(*pair.guest);
    const QString png
        = files.filePath(zh ? QStringLiteral("白板.png") : QStringLiteral("whiteboard.png"));
    QVERIFY(testImage(640, 400).save(png));
    const QString pdf
        = files.filePath(zh ? QStringLiteral("会议纪要.pdf") : QStringLiteral("minutes.pdf"));
    {
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("%PDF-1.4\n" + QByteArray(180000, ' '));
    }
    anaView->attachments()->sendFiles({png});
    QTRY_VERIFY_WITH_TIMEOUT(
        attachmentRow(boView->messageView()->model(), QFileInfo(png).fileName()).isValid(),
        NetworkWaitMs);
    anaView->attachments()->sendFiles({pdf});
    QTRY_VERIFY_WITH_TIMEOUT(
        attachmentRow(boView->messageView()->model(), QFileInfo(pdf).fileName()).isValid(),
        NetworkWaitMs);
    const QString big
        = files.filePath(zh ? QStringLiteral("录像.mp4") : QStringLiteral("recording.mp4"));
    writeRandomFile(big, 512 * MiB);
    Transfers *transfers = boView->attachments()->transfers();
    bool shot = false;
    connect(transfers, &Transfers::changed, this, [&](int id) {
        const Transfers::Info info = transfers->info(id);
        if (!shot && info.size > 0 && info.done * 3 > info.size && info.bytesPerSecond > 0) {
            shot = true;
            boView->messageView()->scrollToNewest();
            saveScreenshot(*pair.guest,
                           zh ? QStringLiteral("files-zh") : QStringLiteral("files-en"));
            transfers->pause(id);
        }
    });
    QTest::qWait(500); // the thumbnail
    boView->attachments()->sendFiles({big});
    QTRY_VERIFY_WITH_TIMEOUT(shot, NetworkWaitMs);
    QTest::qWait(300);
    saveScreenshot(*pair.guest,
                   zh ? QStringLiteral("files-paused-zh") : QStringLiteral("files-paused-en"));
}

void TestFilesWindow::attachmentNamesAreDisplayTextOnly()
{
    const auto file = FileAttachment::fromJson(
        QJsonObject {{QStringLiteral("id"), QStringLiteral("f_0123456789abcdef")},
                     {QStringLiteral("name"), QStringLiteral("<b>x</b>\u202Egnp.exe")},
                     {QStringLiteral("size"), 10},
                     {QStringLiteral("type"), QStringLiteral("application/octet-stream")},
                     {QStringLiteral("thumbnail"), false}});
    QVERIFY(file);
    QCOMPARE(file->displayName(), QStringLiteral("<b>x</b>gnp.exe"));
    QVERIFY(!FileAttachment::fromJson(QJsonObject {{QStringLiteral("id"), QStringLiteral("../x")},
                                                   {QStringLiteral("name"), QStringLiteral("a")},
                                                   {QStringLiteral("size"), 1}}));
    QVERIFY(!attachmentview::parseLink(QStringLiteral("https://example.org/")));
    QCOMPARE(attachmentview::parseLink(QStringLiteral("confab-file:save/f_1"))->fileId,
             QStringLiteral("f_1"));
}

QTEST_MAIN(TestFilesWindow)
#include "tst_fileswindow.moc"
