#include "chatpage.h"

#include "callbanner.h"
#include "callbuttons.h"
#include "callcontroller.h"
#include "composer.h"
#include "conversation.h"
#include "conversationlistmodel.h"
#include "conversationsidebar.h"
#include "conversationview.h"
#include "desktopsettings.h"
#include "hostinfopanel.h"
#include "hubapi.h"
#include "hubconnection.h"
#include "memberdelegate.h"
#include "membermodel.h"
#include "messageview.h"
#include "protocol.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int SidebarWidth = 220;
constexpr int SidePanelWidth = 220;
constexpr int TimelineWidth = 560;
// Splitter sections, left to right.
constexpr int SidebarSection = 0;
constexpr int MemberSection = 2;
} // namespace

ChatPage::ChatPage(QWidget *parent)
    : QWidget(parent)
    , m_sidebar(new ConversationSidebar(this))
    , m_title(new QLabel(this))
    , m_topic(new QLabel(this))
    , m_memberCount(new QLabel(this))
    , m_membersTitle(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_views(new QStackedWidget(this))
    , m_empty(new ConversationView(nullptr, this))
    , m_members(new QListView(this))
    , m_hostInfo(new HostInfoPanel(this))
    , m_side(new QWidget(this))
    , m_splitter(new QSplitter(this))
    , m_toggleSide(new QPushButton(this))
    , m_leave(new QPushButton(this))
    , m_everyone(new QPushButton(this))
    , m_callBanner(new CallBanner(this))
    , m_callButtons(new CallButtons(this))
    , m_calls(new CallController(m_callBanner, this))
{
    // Everything here can carry remote text (titles, names): never rich text.
    for (QLabel *label : {m_title, m_topic, m_memberCount, m_membersTitle, m_banner})
        label->setTextFormat(Qt::PlainText);
    // A topic is up to 250 characters: one elided line here, all of it in the tooltip.
    m_topic->setForegroundRole(QPalette::PlaceholderText);
    m_topic->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_topic->installEventFilter(this);
    m_topic->hide();
    m_membersTitle->setWordWrap(true);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
    m_banner->hide();
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_memberCount->setForegroundRole(QPalette::PlaceholderText);
    connect(m_leave, &QPushButton::clicked, this, &ChatPage::leaveRequested);

    auto *header = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_topic);
    header->addLayout(titles, 1);
    header->addWidget(m_toggleSide);
    header->addWidget(m_leave);
    m_toggleSide->setCheckable(true);
    m_toggleSide->setFlat(true);
    header->insertWidget(header->indexOf(m_toggleSide), m_callButtons);
    m_views->addWidget(m_empty);

    auto *timeline = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timeline);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addLayout(header);
    timelineLayout->addWidget(m_banner);
    timelineLayout->addWidget(m_views, 1);

    auto *sideLayout = new QVBoxLayout(m_side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    QFont bold = m_membersTitle->font();
    bold.setBold(true);
    m_membersTitle->setFont(bold);
    auto *membersHeader = new QHBoxLayout;
    membersHeader->addWidget(m_membersTitle, 1);
    membersHeader->addWidget(m_memberCount, 0, Qt::AlignTop);
    sideLayout->addLayout(membersHeader);
    m_members->setItemDelegate(new MemberDelegate(m_members));
    m_members->setSelectionMode(QAbstractItemView::NoSelection);
    m_members->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_members->setMouseTracking(true);
    sideLayout->addWidget(m_members, 1);
    // The list shows this conversation's members; everyone else on the hub is one click away.
    connect(m_everyone, &QPushButton::clicked, m_sidebar->messageMemberAction(), &QAction::trigger);
    sideLayout->addWidget(m_everyone);
    sideLayout->addWidget(m_hostInfo);
    m_hostInfo->hide();

    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(timeline);
    m_splitter->addWidget(m_side);
    m_splitter->setStretchFactor(SidebarSection, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(MemberSection, 0);
    m_splitter->setSizes({SidebarWidth, TimelineWidth, SidePanelWidth});
    // The member panel can be dragged shut (or hidden with the header's button): in a small
    // window the conversation matters more. The conversation and the sidebar never collapse.
    m_splitter->setCollapsible(SidebarSection, false);
    m_splitter->setCollapsible(1, false);
    m_splitter->setCollapsible(MemberSection, true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_callBanner); // above everything: a call must not be missed
    layout->addWidget(m_splitter);
    connect(m_callButtons, &CallButtons::callRequested, m_calls, &CallController::startCall);
    m_calls->attachMemberList(m_members);
    connect(this, &ChatPage::currentConversationChanged, this, [this] {
        const ConversationView *view = currentView();
        const Conversation *conversation = view ? view->conversation() : nullptr;
        m_callButtons->setPeer(conversation && conversation->isDirect() ? conversation->with()
                                                                        : std::nullopt);
    });
    connect(m_calls, &CallController::problem, this, [this](const QString &text) {
        m_banner->setText(text);
        m_banner->show();
    });

    setMemberPanelShown(DesktopSettings().memberPanelShown());
    connect(m_toggleSide, &QPushButton::toggled, this, [this](bool shown) {
        setMemberPanelShown(shown);
        DesktopSettings().setMemberPanelShown(shown);
    });
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        const bool shown = m_splitter->sizes().value(MemberSection) > 0;
        if (shown != m_toggleSide->isChecked()) {
            setMemberPanelShown(shown);
            DesktopSettings().setMemberPanelShown(shown);
        }
    });
    connect(m_sidebar, &ConversationSidebar::conversationActivated, this,
            &ChatPage::openConversation);
    // Clicking a member opens the direct messages with them.
    connect(m_members, &QListView::clicked, this, [this](const QModelIndex &index) {
        if (m_connection && !index.data(MemberModel::IsSelfRole).toBool())
            m_connection->openDirectMessage(index.data(MemberModel::MemberIdRole).toString());
    });
    retranslate();
}

HubConnection *ChatPage::connection() const
{
    return m_connection;
}

ConversationSidebar *ChatPage::sidebar() const
{
    return m_sidebar;
}

ConversationView *ChatPage::currentView() const
{
    return qobject_cast<ConversationView *>(m_views->currentWidget());
}

ConversationView *ChatPage::viewFor(const QString &conversationId) const
{
    return m_viewById.value(conversationId);
}

QString ChatPage::currentConversationId() const
{
    return m_current;
}

MessageView *ChatPage::messageView() const
{
    return currentView()->messageView();
}

Composer *ChatPage::composer() const
{
    return currentView()->composer();
}

QLabel *ChatPage::typingLabel() const
{
    return currentView()->typingLabel();
}

QLabel *ChatPage::composerNotice() const
{
    return currentView()->composerNotice();
}

QLabel *ChatPage::titleLabel() const
{
    return m_title;
}

QLabel *ChatPage::topicLabel() const
{
    return m_topic;
}

QLabel *ChatPage::membersTitle() const
{
    return m_membersTitle;
}

QPushButton *ChatPage::everyoneButton() const
{
    return m_everyone;
}

QListView *ChatPage::memberList() const
{
    return m_members;
}

HostInfoPanel *ChatPage::hostInfo() const
{
    return m_hostInfo;
}

QLabel *ChatPage::roomBanner() const
{
    return m_banner;
}

QWidget *ChatPage::sidePanel() const
{
    return m_side;
}

QSplitter *ChatPage::splitter() const
{
    return m_splitter;
}

int ChatPage::outboxSize() const
{
    return m_connection ? m_connection->outboxSize() : 0;
}

void ChatPage::setMemberPanelShown(bool shown)
{
    const QSignalBlocker blocker(m_toggleSide);
    m_toggleSide->setChecked(shown);
    m_toggleSide->setText(shown ? tr("Hide Members") : tr("Show Members"));
    m_side->setVisible(shown);
    if (shown && m_splitter->sizes().value(MemberSection) == 0) {
        QList<int> sizes = m_splitter->sizes();
        sizes[MemberSection] = SidePanelWidth;
        m_splitter->setSizes(sizes);
    }
}

void ChatPage::clearViews()
{
    m_views->setCurrentWidget(m_empty);
    for (ConversationView *view : std::as_const(m_viewById)) {
        m_views->removeWidget(view);
        view->deleteLater();
    }
    m_viewById.clear();
    m_current.clear();
    m_wanted.clear();
}

void ChatPage::setConnection(HubConnection *connection)
{
    if (m_connection) {
        disconnect(m_connection, nullptr, this, nullptr);
        disconnect(m_connection->conversations(), nullptr, this, nullptr);
        disconnect(m_connection->conversationMembers(), nullptr, this, nullptr);
        m_connection->setMembersConversation({});
    }
    clearViews();
    m_connection = connection;
    m_topics.clear();
    m_topicsFetching = false;
    m_calls->setConnection(connection);
    m_callButtons->setPeer(std::nullopt);
    m_sidebar->setModel(connection ? connection->conversations() : nullptr);
    m_members->setModel(connection ? connection->conversationMembers() : nullptr);
    m_banner->hide();
    updateHeader();
    updateMemberCount();
    emit outboxChanged(outboxSize());
    if (!connection)
        return;
    // Every conversation's, opened here or not (a saved outbox is sent after a restart too).
    connect(connection, &HubConnection::outboxChanged, this, &ChatPage::outboxChanged);
    connect(connection, &HubConnection::hostLeft, this, &ChatPage::onHostLeft);
    connect(connection, &HubConnection::stateChanged, this, &ChatPage::onStateChanged);
    connect(connection, &HubConnection::conversationOpened, this,
            [this](const QString &id) { openConversation(id); });
    connect(connection, &HubConnection::conversationLeft, this, &ChatPage::onConversationLeft);
    connect(connection, &HubConnection::conversationsLoaded, this,
            &ChatPage::onConversationsChanged);
    ConversationListModel *list = connection->conversations();
    connect(list, &QAbstractItemModel::rowsInserted, this, &ChatPage::onConversationsChanged);
    connect(list, &QAbstractItemModel::modelReset, this, &ChatPage::onConversationsChanged);
    connect(list, &QAbstractItemModel::dataChanged, this, [this] {
        updateHeader(); // a title may have changed
        updateReadState(); // a badge of the open conversation may have gone up
    });
    MemberModel *members = connection->conversationMembers();
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(members, signal, this, &ChatPage::updateMemberCount);
    connect(members, &QAbstractItemModel::modelReset, this, &ChatPage::updateMemberCount);
    connect(members, &QAbstractItemModel::dataChanged, this, &ChatPage::updateMemberCount);
}

bool ChatPage::openConversation(const QString &conversationId)
{
    if (!m_connection || conversationId.isEmpty())
        return false;
    if (m_connection->conversations()->rowOf(conversationId) < 0) {
        m_wanted = conversationId; // shown when the list has it (see onConversationsChanged)
        return false;
    }
    ConversationView *view = m_viewById.value(conversationId);
    if (!view) {
        Conversation *conversation = m_connection->conversation(conversationId);
        if (!conversation)
            return false;
        view = new ConversationView(conversation, m_views);
        view->setOwnName(m_connection->self().name);
        m_views->addWidget(view);
        m_viewById.insert(conversationId, view);
        connect(view, &ConversationView::scrolled, this, [this, view] {
            if (view == currentView())
                updateReadState();
        });
        connect(conversation, &Conversation::titleChanged, this, &ChatPage::updateHeader);
        connect(conversation, &Conversation::loaded, this, &ChatPage::updateReadState);
    }
    m_wanted.clear();
    const bool changed = m_current != conversationId;
    m_current = conversationId;
    m_connection->setMembersConversation(conversationId);
    m_views->setCurrentWidget(view);
    m_sidebar->setCurrentConversation(conversationId);
    DesktopSettings().setLastConversation(m_connection->hubUrl(), conversationId);
    updateHeader();
    view->composer()->setFocus();
    updateReadState();
    if (changed)
        emit currentConversationChanged(conversationId);
    return true;
}

void ChatPage::onConversationsChanged()
{
    if (!m_connection)
        return;
    if (!m_wanted.isEmpty() && m_connection->conversations()->rowOf(m_wanted) >= 0) {
        openConversation(m_wanted);
        return;
    }
    if (m_current.isEmpty())
        openFirstConversation();
    else
        m_sidebar->setCurrentConversation(m_current); // rows may have moved
}

void ChatPage::openFirstConversation()
{
    // The one open last time on this hub, else the lobby, else the first in the list.
    const ConversationListModel *list = m_connection->conversations();
    if (list->rowCount() == 0)
        return;
    const QString last = DesktopSettings().lastConversation(m_connection->hubUrl());
    if (!last.isEmpty() && list->rowOf(last) >= 0 && openConversation(last))
        return;
    if (openConversation(QString::fromLatin1(protocol::DefaultRoomId)))
        return;
    openConversation(list->index(0).data(ConversationListModel::IdRole).toString());
}

void ChatPage::onConversationLeft(const QString &conversationId)
{
    ConversationView *view = m_viewById.take(conversationId);
    if (view) {
        m_views->removeWidget(view);
        view->deleteLater();
    }
    if (m_current == conversationId) {
        m_current.clear();
        m_connection->setMembersConversation({});
        m_views->setCurrentWidget(m_empty);
        openFirstConversation();
        updateHeader();
    }
}

void ChatPage::updateReadState()
{
    if (!m_connection)
        return;
    ConversationView *view = currentView();
    Conversation *conversation = view ? view->conversation() : nullptr;
    const bool seeing = conversation && isVisible() && window()->isActiveWindow()
        && view->messageView()->isAtBottom();
    const QString active = seeing ? conversation->id() : QString();
    if (m_connection->activeConversation() != active)
        m_connection->setActiveConversation(active);
    if (seeing)
        conversation->markRead(); // nothing when it is read already
}

void ChatPage::updateHeader()
{
    ConversationView *view = currentView();
    const Conversation *conversation = view ? view->conversation() : nullptr;
    if (!conversation) {
        m_title->clear();
        m_membersTitle->setText(tr("Members"));
        updateTopic();
        return;
    }
    m_title->setText(conversation->isDirect() ? conversation->title()
                                              : tr("# %1").arg(conversation->title()));
    m_membersTitle->setText(conversation->isDirect()
                                ? tr("You and %1").arg(conversation->title())
                                : tr("Members of #%1").arg(conversation->title()));
    updateTopic();
}

void ChatPage::updateTopic()
{
    const ConversationView *view = currentView();
    const Conversation *conversation = view ? view->conversation() : nullptr;
    const bool channel = conversation && !conversation->isDirect();
    if (channel && !m_topics.contains(conversation->id()))
        fetchTopics(); // a channel made or joined since the last look
    m_topicText = channel ? m_topics.value(conversation->id()) : QString();
    m_topic->setToolTip(m_topicText);
    m_topic->setVisible(!m_topicText.isEmpty());
    m_topic->setText(
        m_topic->fontMetrics().elidedText(m_topicText, Qt::ElideRight, m_topic->width()));
}

void ChatPage::fetchTopics()
{
    // Topics are set when a channel is made and never change, so the directory is asked once
    // for every channel not seen in it yet.
    if (!m_connection || m_topicsFetching || m_connection->state() != HubConnection::State::Live)
        return;
    m_topicsFetching = true;
    const QPointer<ChatPage> self(this);
    const QPointer<HubConnection> asked(m_connection);
    m_connection->api()->fetchChannels([self,
                                        asked](const ApiResult<std::vector<ChannelInfo>> &result) {
        if (!self || self->m_connection != asked)
            return;
        self->m_topicsFetching = false;
        if (!result.ok())
            return; // the header just shows no topic; the next switch asks again
        for (const ChannelInfo &channel : *result.value)
            self->m_topics.insert(channel.id, channel.topic);
        const ConversationView *view = self->currentView();
        if (view && view->conversation() && !self->m_topics.contains(view->conversation()->id()))
            self->m_topics.insert(view->conversation()->id(), {}); // not listed: ask no more
        self->updateTopic();
    });
}

bool ChatPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_topic && event->type() == QEvent::Resize)
        m_topic->setText(
            m_topic->fontMetrics().elidedText(m_topicText, Qt::ElideRight, m_topic->width()));
    return QWidget::eventFilter(watched, event);
}

void ChatPage::updateMemberCount()
{
    const MemberModel *members = m_connection ? m_connection->conversationMembers() : nullptr;
    if (!members) {
        m_memberCount->clear();
        return;
    }
    m_memberCount->setText(
        tr("%1 of %n online", nullptr, members->rowCount()).arg(members->onlineCount()));
}

void ChatPage::onHostLeft()
{
    m_banner->setText(tr("The host closed the room. Messages you write now are sent when it "
                         "opens again."));
    m_banner->show();
}

void ChatPage::onStateChanged()
{
    if (m_connection && m_connection->state() == HubConnection::State::Live) {
        m_banner->hide();
        for (ConversationView *view : std::as_const(m_viewById))
            view->setOwnName(m_connection->self().name);
        updateTopic(); // a topic asked for before the link was up
    }
}

void ChatPage::retranslate()
{
    m_everyone->setText(tr("Everyone on This Hub…"));
    m_everyone->setToolTip(tr("Write to any member of the hub, in this conversation or not"));
    m_leave->setText(tr("Leave Room"));
    m_toggleSide->setText(m_toggleSide->isChecked() ? tr("Hide Members") : tr("Show Members"));
    updateHeader();
    updateMemberCount();
}

void ChatPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace confab
