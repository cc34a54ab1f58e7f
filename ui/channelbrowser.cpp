#include "channelbrowser.h"

#include "conversationlistmodel.h"
#include "hubconnection.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int BrowserWidth = 560;
constexpr int BrowserHeight = 380;
constexpr int IdRole = Qt::UserRole + 1;
} // namespace

ChannelBrowser::ChannelBrowser(HubConnection *connection, QWidget *parent)
    : QDialog(parent)
    , m_connection(connection)
    , m_list(new QTreeWidget(this))
    , m_status(new QLabel(this))
    , m_join(new QPushButton(this))
{
    setWindowTitle(tr("Browse Channels"));
    setAttribute(Qt::WA_DeleteOnClose);
    // Titles and topics are remote text: QTreeWidget items draw plain text.
    m_list->setHeaderLabels({tr("Channel"), tr("Topic"), tr("Members")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_join, QDialogButtonBox::ActionRole);
    m_join->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(BrowserWidth, BrowserHeight);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_join, &QPushButton::clicked, this, &ChannelBrowser::joinCurrent);
    connect(m_list, &QTreeWidget::itemActivated, this, &ChannelBrowser::joinCurrent);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &ChannelBrowser::updateButton);
    if (connection) {
        connect(connection, &HubConnection::actionFailed, this,
                [this](const QString &what, const QString &reason) {
                    if (what == QLatin1StringView(HubConnection::ActionDirectory)
                        || (m_pending && what == QLatin1StringView(HubConnection::ActionJoin))) {
                        m_pending = false;
                        updateButton();
                        showStatus(reason, true);
                    }
                });
        connect(connection, &HubConnection::conversationOpened, this, [this] {
            if (m_pending)
                accept(); // the window opens the channel
        });
    }
    reload();
}

QTreeWidget *ChannelBrowser::list() const
{
    return m_list;
}

QLabel *ChannelBrowser::statusLabel() const
{
    return m_status;
}

bool ChannelBrowser::isJoined(const QString &channelId) const
{
    return m_connection && m_connection->conversations()->rowOf(channelId) >= 0;
}

void ChannelBrowser::reload()
{
    if (!m_connection)
        return;
    showStatus(tr("Loading the hub's channels…"), false);
    QPointer<ChannelBrowser> self(this);
    m_connection->fetchChannelDirectory([self](std::vector<ChannelInfo> channels) {
        if (!self)
            return; // closed before the answer came
        self->m_list->clear();
        for (const ChannelInfo &channel : channels) {
            auto *item = new QTreeWidgetItem(self->m_list);
            item->setText(0, channel.title);
            item->setText(1, channel.topic);
            item->setText(2, QLocale().toString(channel.members));
            item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
            item->setData(0, IdRole, channel.id);
            if (self->isJoined(channel.id)) {
                QFont font = item->font(0);
                font.setBold(true);
                item->setFont(0, font);
            }
        }
        self->m_list->resizeColumnToContents(0);
        self->m_list->resizeColumnToContents(2);
        if (self->m_list->topLevelItemCount() > 0)
            self->m_list->setCurrentItem(self->m_list->topLevelItem(0));
        self->showStatus(channels.empty() ? tr("There are no channels yet.") : QString(), false);
        self->updateButton();
    });
}

void ChannelBrowser::updateButton()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    const bool joined = item && isJoined(item->data(0, IdRole).toString());
    m_join->setText(joined ? tr("Open") : tr("Join"));
    m_join->setEnabled(item && !m_pending);
}

void ChannelBrowser::joinCurrent()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || !m_connection || m_pending)
        return;
    const QString id = item->data(0, IdRole).toString();
    if (isJoined(id)) {
        accept();
        emit conversationChosen(id);
        return;
    }
    m_pending = true;
    updateButton();
    showStatus(tr("Joining…"), false);
    m_connection->joinChannel(id);
}

void ChannelBrowser::showStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("QLabel { color: #a00; background: #fdecea; "
                                                   "padding: 6px; border-radius: 4px; }")
                                  : QString());
    m_status->setVisible(!text.isEmpty());
}

} // namespace confab
