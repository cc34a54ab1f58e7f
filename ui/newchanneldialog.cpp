#include "newchanneldialog.h"

#include "hubconnection.h"
#include "protocol.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int DialogMinimumWidth = 380; // room for the hub's reason on two lines, not five
} // namespace

NewChannelDialog::NewChannelDialog(HubConnection *connection, QWidget *parent)
    : QDialog(parent)
    , m_connection(connection)
    , m_title(new QLineEdit(this))
    , m_topic(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Channel"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(DialogMinimumWidth);
    m_title->setMaxLength(protocol::MaxTitleChars);
    m_title->setPlaceholderText(tr("e.g. Lunch plans"));
    m_topic->setMaxLength(protocol::MaxTopicChars);
    m_topic->setPlaceholderText(tr("Optional: what it is about"));
    m_error->setTextFormat(Qt::PlainText); // the hub's message is remote text
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral(
        "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
    m_error->hide();
    QPushButton *create = m_buttons->addButton(tr("Create"), QDialogButtonBox::AcceptRole);
    create->setDefault(true);

    auto *form = new QFormLayout;
    auto *titleLabel = new QLabel(tr("&Name:"), this);
    titleLabel->setBuddy(m_title);
    auto *topicLabel = new QLabel(tr("&Topic:"), this);
    topicLabel->setBuddy(m_topic);
    form->addRow(titleLabel, m_title);
    form->addRow(topicLabel, m_topic);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewChannelDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_title, &QLineEdit::textChanged, m_error, &QLabel::hide);
    if (!connection)
        return;
    connect(connection, &HubConnection::actionFailed, this,
            [this](const QString &what, const QString &reason) {
                if (!m_pending || what != QLatin1StringView(HubConnection::ActionCreate))
                    return;
                setBusy(false);
                showError(reason);
            });
    connect(connection, &HubConnection::conversationOpened, this, [this] {
        if (m_pending)
            accept(); // the window opens the new channel
    });
}

QLineEdit *NewChannelDialog::titleField() const
{
    return m_title;
}

QLineEdit *NewChannelDialog::topicField() const
{
    return m_topic;
}

QLabel *NewChannelDialog::errorLabel() const
{
    return m_error;
}

void NewChannelDialog::submit()
{
    const QString title = m_title->text().simplified();
    if (title.isEmpty()) {
        showError(tr("Give the channel a name."));
        m_title->setFocus();
        return;
    }
    if (!m_connection || m_connection->state() != HubConnection::State::Live) {
        showError(tr("Not connected to the hub right now. Try again once it is back."));
        return;
    }
    setBusy(true);
    m_connection->createChannel(title, m_topic->text().simplified());
}

void NewChannelDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void NewChannelDialog::setBusy(bool busy)
{
    m_pending = busy;
    m_title->setEnabled(!busy);
    m_topic->setEnabled(!busy);
    for (QAbstractButton *button : m_buttons->buttons()) {
        if (m_buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
            button->setEnabled(!busy);
    }
}

} // namespace confab
