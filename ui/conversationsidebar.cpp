#include "conversationsidebar.h"

#include "conversationdelegate.h"
#include "conversationlistmodel.h"
#include "protocol.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace confab {

namespace {

constexpr int SidebarWidth = 220;
constexpr int SectionSpacing = 12;

QSortFilterProxyModel *kindFilter(const char *kind, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setFilterRole(ConversationListModel::KindRole);
    proxy->setFilterRegularExpression(
        QRegularExpression(QStringLiteral("^%1$").arg(QLatin1StringView(kind))));
    return proxy;
}

} // namespace

ConversationSidebar::ConversationSidebar(QWidget *parent)
    : QWidget(parent)
    , m_channelsTitle(new QLabel(this))
    , m_directTitle(new QLabel(this))
    , m_noDirect(new QLabel(this))
    , m_channels(kindFilter(protocol::KindChannel, this))
    , m_direct(kindFilter(protocol::KindDm, this))
    , m_newChannel(new QAction(this))
    , m_browse(new QAction(this))
    , m_message(new QAction(this))
{
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_channelList = addSection(layout, m_channelsTitle, m_channels, {m_browse, m_newChannel});
    layout->addSpacing(SectionSpacing);
    m_directList = addSection(layout, m_directTitle, m_direct, {m_message});
    layout->addWidget(m_noDirect);
    layout->addStretch(1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    setMinimumWidth(SidebarWidth * 2 / 3);
    resize(SidebarWidth, height());

    m_noDirect->setWordWrap(true);
    m_noDirect->setForegroundRole(QPalette::PlaceholderText);
    m_noDirect->setContentsMargins(8, 0, 8, 0);
    retranslate();
}

QListView *ConversationSidebar::addSection(QVBoxLayout *layout, QLabel *title,
                                           QSortFilterProxyModel *proxy,
                                           const QList<QAction *> &actions)
{
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setTextFormat(Qt::PlainText);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(8, 0, 4, 0);
    header->addWidget(title, 1);
    for (QAction *action : actions) {
        auto *button = new QToolButton(this);
        button->setAutoRaise(true);
        button->setDefaultAction(action);
        header->addWidget(button);
    }
    auto *list = new QListView(this);
    list->setModel(proxy);
    list->setItemDelegate(new ConversationDelegate(list));
    list->setFrameShape(QFrame::NoFrame);
    list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->setMouseTracking(true);
    // The list is as tall as its rows: the sidebar scrolls as a whole, like one list.
    list->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(proxy, signal, this, &ConversationSidebar::fitHeights);
    connect(proxy, &QAbstractItemModel::modelReset, this, &ConversationSidebar::fitHeights);
    connect(proxy, &QAbstractItemModel::layoutChanged, this, &ConversationSidebar::fitHeights);
    connect(list, &QListView::clicked, this, [this](const QModelIndex &index) {
        emit conversationActivated(index.data(ConversationListModel::IdRole).toString());
    });
    connect(list, &QListView::activated, this, [this](const QModelIndex &index) {
        emit conversationActivated(index.data(ConversationListModel::IdRole).toString());
    });
    layout->addLayout(header);
    layout->addWidget(list);
    return list;
}

void ConversationSidebar::setModel(QAbstractItemModel *conversations)
{
    m_channels->setSourceModel(conversations);
    m_direct->setSourceModel(conversations);
    fitHeights();
}

void ConversationSidebar::setCurrentConversation(const QString &conversationId)
{
    for (QListView *list : {m_channelList, m_directList}) {
        const QAbstractItemModel *model = list->model();
        QModelIndex found;
        for (int row = 0; row < model->rowCount() && !found.isValid(); ++row) {
            const QModelIndex index = model->index(row, 0);
            if (index.data(ConversationListModel::IdRole).toString() == conversationId)
                found = index;
        }
        if (found.isValid())
            list->setCurrentIndex(found);
        else
            list->clearSelection();
    }
}

void ConversationSidebar::fitHeights()
{
    for (QListView *list : {m_channelList, m_directList}) {
        int height = 0;
        for (int row = 0; row < list->model()->rowCount(); ++row)
            height += list->sizeHintForRow(row);
        list->setFixedHeight(height + 2 * list->frameWidth());
    }
    m_noDirect->setVisible(m_direct->rowCount() == 0);
}

QListView *ConversationSidebar::channelList() const
{
    return m_channelList;
}

QListView *ConversationSidebar::directList() const
{
    return m_directList;
}

QAction *ConversationSidebar::newChannelAction() const
{
    return m_newChannel;
}

QAction *ConversationSidebar::browseChannelsAction() const
{
    return m_browse;
}

QAction *ConversationSidebar::messageMemberAction() const
{
    return m_message;
}

void ConversationSidebar::retranslate()
{
    m_channelsTitle->setText(tr("Channels"));
    m_directTitle->setText(tr("Direct messages"));
    m_noDirect->setText(tr("Nobody yet. Click a member, or use +."));
    m_newChannel->setText(tr("New Channel…"));
    m_newChannel->setIconText(QStringLiteral("+"));
    m_newChannel->setToolTip(tr("Create a channel"));
    m_browse->setText(tr("Browse Channels…"));
    m_browse->setIconText(tr("Browse"));
    m_browse->setToolTip(tr("See all channels and join one"));
    m_message->setText(tr("Message…"));
    m_message->setIconText(QStringLiteral("+"));
    m_message->setToolTip(tr("Write to one member"));
}

void ConversationSidebar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace confab
