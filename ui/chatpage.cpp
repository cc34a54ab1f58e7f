#include "chatpage.h"

#include "chatsession.h"
#include "composer.h"
#include "desktopsettings.h"
#include "hostinfopanel.h"
#include "memberdelegate.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "messageview.h"
#include "protocol.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int SidePanelWidth = 240;
constexpr int TimelineWidth = 640;
} // namespace

ChatPage::ChatPage(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_memberCount(new QLabel(this))
    , m_view(new MessageView(this))
    , m_typing(new QLabel(this))
    , m_composerNotice(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_composer(new Composer(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_members(new QListView(this))
    , m_hostInfo(new HostInfoPanel(this))
    , m_side(new QWidget(this))
    , m_splitter(new QSplitter(this))
    , m_toggleSide(new QPushButton(this))
{
    // Everything here can carry remote text (titles, names): never rich text.
    for (QLabel *label : {m_title, m_memberCount, m_typing, m_composerNotice, m_banner})
        label->setTextFormat(Qt::PlainText);
    for (QLabel *label : {m_composerNotice, m_banner}) {
        label->setWordWrap(true);
        label->setStyleSheet(QStringLiteral(
            "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
        label->hide();
    }
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_memberCount->setForegroundRole(QPalette::PlaceholderText);
    m_typing->setForegroundRole(QPalette::PlaceholderText);
    QFont typingFont = m_typing->font();
    typingFont.setItalic(true);
    m_typing->setFont(typingFont);
    m_typing->setMinimumHeight(m_typing->fontMetrics().height());

    auto *leave = new QPushButton(tr("Leave Room"), this);
    connect(leave, &QPushButton::clicked, this, &ChatPage::leaveRequested);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addWidget(m_memberCount);
    header->addStretch();
    header->addWidget(m_toggleSide);
    header->addWidget(leave);
    m_toggleSide->setCheckable(true);
    m_toggleSide->setFlat(true);

    auto *composerRow = new QHBoxLayout;
    composerRow->addWidget(m_composer, 1);
    composerRow->addWidget(m_send, 0, Qt::AlignBottom);
    m_send->setDefault(false);
    m_send->setAutoDefault(false);

    auto *timeline = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timeline);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addLayout(header);
    timelineLayout->addWidget(m_banner);
    timelineLayout->addWidget(m_view, 1);
    timelineLayout->addWidget(m_typing);
    timelineLayout->addWidget(m_composerNotice);
    timelineLayout->addLayout(composerRow);

    QWidget *side = m_side;
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto *membersTitle = new QLabel(tr("Members"), side);
    QFont bold = membersTitle->font();
    bold.setBold(true);
    membersTitle->setFont(bold);
    sideLayout->addWidget(membersTitle);
    m_members->setItemDelegate(new MemberDelegate(m_members));
    m_members->setSelectionMode(QAbstractItemView::NoSelection);
    m_members->setEditTriggers(QAbstractItemView::NoEditTriggers);
    sideLayout->addWidget(m_members, 1);
    sideLayout->addWidget(m_hostInfo);
    m_hostInfo->hide();

    QSplitter *splitter = m_splitter;
    splitter->addWidget(timeline);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({TimelineWidth, SidePanelWidth});
    // The member panel can be dragged shut (or hidden with the header's button): in a small
    // window the timeline matters more. The timeline itself never collapses.
    splitter->setCollapsible(0, false);
    splitter->setCollapsible(1, true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    setMemberPanelShown(DesktopSettings().memberPanelShown());
    connect(m_toggleSide, &QPushButton::toggled, this, [this](bool shown) {
        setMemberPanelShown(shown);
        DesktopSettings().setMemberPanelShown(shown);
    });
    connect(splitter, &QSplitter::splitterMoved, this, [this] {
        const bool shown = m_splitter->sizes().value(1) > 0;
        if (shown != m_toggleSide->isChecked()) {
            setMemberPanelShown(shown);
            DesktopSettings().setMemberPanelShown(shown);
        }
    });

    m_composer->setMaxLength(protocol::DefaultMaxTextChars);
    connect(m_composer, &Composer::submitted, this, &ChatPage::send);
    // Refused, not cut: the text stays in the composer and the reason stays beside it until
    // the text changes.
    connect(m_composer, &Composer::tooLong, this, [this](int characters, int limit) {
        m_composerNotice->setText(
            tr("Too long to send: %1 characters, the limit is %2. Shorten "
               "it, or send it as several messages.")
                .arg(QLocale().toString(characters), QLocale().toString(limit)));
        m_composerNotice->show();
    });
    connect(m_composer, &QPlainTextEdit::textChanged, this, [this] {
        if (m_composerNotice->isVisible()) {
            m_composerNotice->hide();
            m_composerNotice->clear();
        }
    });
    connect(m_send, &QPushButton::clicked, m_composer, &Composer::submit);
    connect(m_composer, &Composer::typing, this, [this] {
        if (m_session)
            m_session->sendTyping();
    });
    connect(m_view, &MessageView::olderHistoryWanted, this, &ChatPage::requestOlder);
}

ChatSession *ChatPage::session() const
{
    return m_session;
}

MessageView *ChatPage::messageView() const
{
    return m_view;
}

Composer *ChatPage::composer() const
{
    return m_composer;
}

QListView *ChatPage::memberList() const
{
    return m_members;
}

QLabel *ChatPage::typingLabel() const
{
    return m_typing;
}

HostInfoPanel *ChatPage::hostInfo() const
{
    return m_hostInfo;
}

QLabel *ChatPage::composerNotice() const
{
    return m_composerNotice;
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

void ChatPage::setMemberPanelShown(bool shown)
{
    const QSignalBlocker blocker(m_toggleSide);
    m_toggleSide->setChecked(shown);
    m_toggleSide->setText(shown ? tr("Hide Members") : tr("Show Members"));
    m_side->setVisible(shown);
    if (shown && m_splitter->sizes().value(1) == 0)
        m_splitter->setSizes({TimelineWidth, SidePanelWidth});
}

void ChatPage::setSession(ChatSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_view->setModel(session ? session->messages() : nullptr);
    m_members->setModel(session ? session->members() : nullptr);
    updateTyping({});
    m_banner->hide();
    m_composerNotice->hide();
    if (!session)
        return;
    connect(session, &ChatSession::typingChanged, this, &ChatPage::updateTyping);
    connect(session, &ChatSession::hostLeft, this, &ChatPage::onHostLeft);
    connect(session, &ChatSession::stateChanged, this, &ChatPage::onStateChanged);
    connect(session, &ChatSession::roomTitleChanged, this, &ChatPage::updateHeader);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(session->members(), signal, this, &ChatPage::updateHeader);
    connect(session->members(), &QAbstractItemModel::dataChanged, this, &ChatPage::updateHeader);
    connect(session->members(), &QAbstractItemModel::modelReset, this, &ChatPage::updateHeader);
    updateHeader();
    m_view->scrollToNewest();
    m_composer->setFocus();
}

void ChatPage::send(const QString &text)
{
    if (!m_session)
        return;
    m_session->send(text);
    m_view->scrollToNewest();
}

void ChatPage::updateTyping(const QStringList &names)
{
    QString text;
    if (names.size() == 1)
        text = tr("%1 is typing…").arg(names.first());
    else if (names.size() == 2)
        text = tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    else if (names.size() > 2)
        text = tr("%n people are typing…", nullptr, int(names.size()));
    m_typing->setText(text);
}

void ChatPage::updateHeader()
{
    if (!m_session)
        return;
    const QString title = m_session->roomTitle();
    m_title->setText(title.isEmpty() ? m_session->hubUrl().toString() : title);
    const MemberModel *members = m_session->members();
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
    if (m_session && m_session->state() == ChatSession::State::Live)
        m_banner->hide();
}

void ChatPage::requestOlder()
{
    // The session asks for one page at a time; calls while a page is on its way do nothing.
    if (m_session && m_session->canLoadOlder())
        m_session->loadOlder();
}

} // namespace confab
