#include "messageview.h"

#include "attachmentview.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "timelinewindow.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QKeyEvent>
#include <QLocale>
#include <QMenu>
#include <QScrollBar>
#include <QTimer>
#include <algorithm>

namespace confab {

namespace {

// Rows laid out per batch: 100k rows never block the event loop in one go.
constexpr int LayoutBatchSize = 200;
// "At the bottom" allows a few pixels of slack so a rounding error does not stop following.
constexpr int BottomSlackPx = 8;
// Ask for older history when the top is this close (a fraction of a screen).
constexpr int NearTopDivisor = 3;
constexpr int TrimDelayMs = 100;

} // namespace

MessageView::MessageView(QWidget *parent)
    : QListView(parent)
    , m_delegate(new MessageDelegate(this))
    , m_window(new TimelineWindow(this))
{
    connect(m_window, &QAbstractItemModel::rowsAboutToBeInserted, this,
            &MessageView::rowsAboutToBeAdded);
    connect(m_window, &QAbstractItemModel::modelReset, m_delegate, &MessageDelegate::clearCache);
    // QListView keeps row heights on dataChanged; these roles change a row's height.
    connect(m_window, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &first, const QModelIndex &last, const QList<int> &roles) {
                if (roles.isEmpty() || roles.contains(MessageModel::DeletedRole))
                    deselectDeleted(first.row(), last.row());
                static const QList<int> sizeRoles
                    = {MessageModel::DeliveryRole, MessageModel::GroupedRole,
                       MessageModel::NewDayRole,   MessageModel::TextRole,
                       MessageModel::SequenceRole, MessageModel::EditedRole,
                       MessageModel::DeletedRole};
                const bool resized = roles.isEmpty()
                    || std::any_of(roles.cbegin(), roles.cend(),
                                   [](int role) { return sizeRoles.contains(role); });
                if (resized)
                    scheduleDelayedItemsLayout();
            });
    // Trimming is coalesced: a burst of messages trims once.
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(TrimDelayMs);
    connect(&m_trimTimer, &QTimer::timeout, this, &MessageView::trimWhileFollowing);
    m_revealTimer.setSingleShot(true);
    m_revealTimer.setInterval(RevealHighlightMs);
    connect(&m_revealTimer, &QTimer::timeout, this, [this] {
        if (m_revealed.isValid() && selectionModel())
            selectionModel()->select(m_revealed, QItemSelectionModel::Deselect);
        m_revealed = QPersistentModelIndex();
    });
    connect(m_window, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_window->rowCount() > TimelineWindow::MaxRows && !m_trimTimer.isActive())
            m_trimTimer.start();
    });
    setItemDelegate(m_delegate);
    setUniformItemSizes(false);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setResizeMode(QListView::Adjust);
    setLayoutMode(QListView::Batched);
    setBatchSize(LayoutBatchSize);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setMouseTracking(true);
    setWordWrap(true);
    setFrameShape(QFrame::NoFrame);
    verticalScrollBar()->setSingleStep(20);
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &MessageView::onRangeChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &MessageView::onScrolled);
    connect(this, &MessageView::linkActivated, this, [this](const QString &url) {
        // An attachment's Save… or thumbnail: ours to handle, never a URL to open.
        if (attachmentview::parseLink(url))
            emit attachmentActivated(url);
        else
            QDesktopServices::openUrl(QUrl(url));
    });
}

void MessageView::setModel(QAbstractItemModel *model)
{
    closeOpenViewer();
    m_window->setSourceModel(model);
    QListView::setModel(model ? m_window : nullptr);
    m_delegate->clearCache();
    m_anchor = Anchor::Bottom;
}

QAbstractItemModel *MessageView::timeline() const
{
    return m_window->sourceModel();
}

void MessageView::trimWhileFollowing()
{
    // Only while the newest rows are on screen: trimming must not pull rows from under a reader.
    if (m_anchor == Anchor::Bottom && isAtBottom())
        m_window->trim();
}

void MessageView::deselectDeleted(int first, int last)
{
    // A message deleted (here, from the context menu that selected it, or elsewhere) keeps no
    // highlight: nothing is left to copy or act on.
    QItemSelectionModel *selection = selectionModel();
    if (!selection || !model())
        return;
    for (int row = qMax(0, first); row <= last && row < model()->rowCount(); ++row) {
        const QModelIndex index = model()->index(row, 0);
        if (!index.data(MessageModel::DeletedRole).toBool())
            continue;
        if (selection->isSelected(index))
            selection->select(index, QItemSelectionModel::Deselect);
        if (selection->currentIndex() == index)
            selection->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
    }
}

MessageDelegate *MessageView::messageDelegate() const
{
    return m_delegate;
}

bool MessageView::isAtBottom() const
{
    const QScrollBar *bar = verticalScrollBar();
    return bar->value() >= bar->maximum() - BottomSlackPx;
}

void MessageView::scrollToNewest()
{
    m_anchor = Anchor::Bottom;
    scrollToBottom();
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

bool MessageView::revealMessage(qint64 messageId)
{
    if (!model())
        return false;
    // The window shows the rows of the page just loaded; grow it if the message is older.
    do {
        for (int row = 0; row < model()->rowCount(); ++row) {
            const QModelIndex index = model()->index(row, 0);
            if (index.data(MessageModel::SequenceRole).toLongLong() != messageId)
                continue;
            m_anchor = Anchor::None; // stay here, not at the bottom
            executeDelayedItemsLayout();
            scrollTo(index, QAbstractItemView::PositionAtCenter);
            selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
            m_revealed = index;
            m_revealTimer.start();
            return true;
        }
    } while (m_window->growUp());
    return false;
}

void MessageView::setFollowNewest(bool follow)
{
    m_followNewest = follow;
}

void MessageView::rowsAboutToBeAdded(const QModelIndex &, int first, int)
{
    const QScrollBar *bar = verticalScrollBar();
    if (isAtBottom() && m_followNewest) {
        m_anchor = Anchor::Bottom;
    } else if (first == 0 && model()->rowCount() > 0) {
        // Older history goes in above what the user is reading: keep that on screen.
        m_anchor = Anchor::KeepDistanceFromBottom;
        m_distanceFromBottom = bar->maximum() - bar->value();
    } else {
        m_anchor = Anchor::None;
    }
}

void MessageView::onRangeChanged(int, int maximum)
{
    QScrollBar *bar = verticalScrollBar();
    if (m_anchor == Anchor::Bottom)
        bar->setValue(maximum);
    else if (m_anchor == Anchor::KeepDistanceFromBottom)
        bar->setValue(maximum - m_distanceFromBottom);
}

void MessageView::onScrolled(int value)
{
    const QScrollBar *bar = verticalScrollBar();
    // The user's own scrolling decides what to follow from now on.
    if (isAtBottom())
        m_anchor = Anchor::Bottom;
    else if (m_anchor == Anchor::KeepDistanceFromBottom)
        m_distanceFromBottom = bar->maximum() - value;
    else
        m_anchor = Anchor::None;
    // Near the top: first show more of what is already in memory, then ask the hub.
    if (value <= viewport()->height() / NearTopDivisor && bar->maximum() > 0 && !m_window->growUp())
        emit olderHistoryWanted();
}

void MessageView::resizeEvent(QResizeEvent *event)
{
    const bool atBottom = isAtBottom();
    QListView::resizeEvent(event);
    if (atBottom)
        m_anchor = Anchor::Bottom;
}

QString MessageView::linkAtPosition(QPoint pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return {};
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    option.rect = visualRect(index);
    return m_delegate->linkAt(option, index, pos);
}

void MessageView::mouseMoveEvent(QMouseEvent *event)
{
    QListView::mouseMoveEvent(event);
    const bool overLink = !linkAtPosition(event->position().toPoint()).isEmpty();
    viewport()->setCursor(overLink ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void MessageView::mouseReleaseEvent(QMouseEvent *event)
{
    QListView::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton)
        return;
    const QString link = linkAtPosition(event->position().toPoint());
    if (!link.isEmpty())
        emit linkActivated(link);
}

void MessageView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QModelIndex index = indexAt(event->position().toPoint());
    if (!index.isValid())
        return QListView::mouseDoubleClickEvent(event);
    // A read-only viewer over the row lets the user select part of the text.
    closeOpenViewer();
    m_viewerIndex = index;
    openPersistentEditor(index);
    if (QWidget *viewer = indexWidget(index))
        viewer->setFocus();
}

void MessageView::currentChanged(const QModelIndex &current, const QModelIndex &previous)
{
    QListView::currentChanged(current, previous);
    if (m_viewerIndex.isValid() && current != m_viewerIndex)
        closeOpenViewer();
}

void MessageView::closeOpenViewer()
{
    if (m_viewerIndex.isValid())
        closePersistentEditor(m_viewerIndex);
    m_viewerIndex = QPersistentModelIndex();
}

QString MessageView::selectedText() const
{
    QModelIndexList rows = selectionModel() ? selectionModel()->selectedRows() : QModelIndexList();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &index : std::as_const(rows)) {
        const QString text = MessageDelegate::bodyText(index);
        if (index.data(MessageModel::KindRole).value<MessageModel::Kind>()
            == MessageModel::Kind::Notice) {
            lines.append(text);
            continue;
        }
        const QDateTime time = index.data(MessageModel::TimestampRole).toDateTime();
        lines.append(tr("%1, %2: %3")
                         .arg(index.data(MessageModel::SenderNameRole).toString(),
                              QLocale().toString(time, QLocale::ShortFormat), text));
    }
    return lines.join(u'\n');
}

void MessageView::copySelection() const
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void MessageView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape)
        closeOpenViewer();
    QListView::keyPressEvent(event);
}

bool MessageView::isEditable(const QModelIndex &index)
{
    // Only the author's own messages, once the hub has them (a pending one has no id yet),
    // and not once deleted.
    return index.isValid()
        && index.data(MessageModel::KindRole).value<MessageModel::Kind>()
        == MessageModel::Kind::Message
        && index.data(MessageModel::IsOwnRole).toBool()
        && index.data(MessageModel::SequenceRole).toLongLong() > 0
        && !index.data(MessageModel::DeletedRole).toBool();
}

void MessageView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createContextMenu(event->pos());
    menu->exec(event->globalPos());
    delete menu;
}

QMenu *MessageView::createContextMenu(QPoint pos)
{
    const QModelIndex index = indexAt(pos);
    const QString link = linkAtPosition(pos);
    auto *menuPointer = new QMenu(this);
    QMenu &menu = *menuPointer;
    if (!link.isEmpty() && !attachmentview::parseLink(link)) {
        menu.addAction(tr("Open Link"), this, [this, link] { emit linkActivated(link); });
        menu.addAction(tr("Copy Link"), this, [link] { QApplication::clipboard()->setText(link); });
        menu.addSeparator();
    }
    if (isEditable(index)) {
        const qint64 id = index.data(MessageModel::SequenceRole).toLongLong();
        menu.addAction(tr("Edit Message"), this, [this, id] { emit editRequested(id); });
        menu.addAction(tr("Delete Message…"), this, [this, id] { emit deleteRequested(id); });
        menu.addSeparator();
    }
    if (index.isValid()) {
        menu.addAction(tr("Copy Message Text"), this, [index] {
            QApplication::clipboard()->setText(MessageDelegate::bodyText(index));
        });
        menu.addAction(tr("Select Part of the Text"), this, [this, index] {
            closeOpenViewer();
            m_viewerIndex = index;
            openPersistentEditor(index);
        });
    }
    QAction *copy = menu.addAction(tr("Copy Selected Messages"), this, &MessageView::copySelection);
    copy->setShortcut(QKeySequence::Copy);
    copy->setEnabled(selectionModel() && selectionModel()->hasSelection());
    return menuPointer;
}

} // namespace confab
