#include "transferstrip.h"

#include "attachmentview.h"
#include "transfers.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace confab {

namespace {

constexpr int ProgressSteps = 1000;
constexpr int NameWidthChars = 24;
constexpr int BarWidth = 160;

} // namespace

TransferStrip::TransferStrip(QWidget *parent)
    : QWidget(parent)
    , m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("transferStrip"));
    m_layout->setContentsMargins(4, 2, 4, 2);
    m_layout->setSpacing(2);
    hide();
}

QString TransferStrip::speedText(double bytesPerSecond)
{
    return tr("%1/s").arg(attachmentview::formatSize(qint64(bytesPerSecond)));
}

void TransferStrip::setTransfers(Transfers *transfers, const QString &conversationId)
{
    if (m_transfers)
        m_transfers->disconnect(this);
    for (int id : m_rows.keys())
        remove(id);
    m_transfers = transfers;
    m_conversationId = conversationId;
    if (!transfers)
        return;
    connect(transfers, &Transfers::added, this, &TransferStrip::add);
    connect(transfers, &Transfers::changed, this, &TransferStrip::update);
    connect(transfers, &Transfers::removed, this, &TransferStrip::remove);
    for (int id : transfers->ids())
        add(id);
}

QWidget *TransferStrip::rowWidget(int id) const
{
    return m_rows.value(id).widget;
}

void TransferStrip::add(int id)
{
    if (!m_transfers || m_rows.contains(id)
        || m_transfers->info(id).conversationId != m_conversationId)
        return;
    Row row;
    row.widget = new QWidget(this);
    row.widget->setProperty("transferId", id);
    row.name = new QLabel(row.widget);
    row.name->setTextFormat(Qt::PlainText); // a file name is remote (or at least untrusted) text
    // A fixed width: the bars of several rows line up, and a long name is elided, not cut.
    row.name->setFixedWidth(row.name->fontMetrics().averageCharWidth() * NameWidthChars);
    row.bar = new QProgressBar(row.widget);
    row.bar->setObjectName(QStringLiteral("progress"));
    row.bar->setRange(0, ProgressSteps);
    row.bar->setTextVisible(false);
    row.bar->setFixedWidth(BarWidth);
    row.status = new QLabel(row.widget);
    row.status->setObjectName(QStringLiteral("transferStatus"));
    // The status takes the room left and is elided to it (the whole text is its tooltip): a
    // long status must not push over the bar or the buttons.
    row.status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row.status->installEventFilter(this);
    row.status->setTextFormat(Qt::PlainText);
    row.status->setForegroundRole(QPalette::PlaceholderText);
    row.pause = new QToolButton(row.widget);
    row.pause->setObjectName(QStringLiteral("pauseButton"));
    row.cancel = new QToolButton(row.widget);
    row.cancel->setObjectName(QStringLiteral("cancelButton"));
    auto *layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(row.name);
    layout->addWidget(row.bar);
    layout->addWidget(row.status, 1);
    layout->addWidget(row.pause);
    layout->addWidget(row.cancel);
    connect(row.pause, &QToolButton::clicked, this, [this, id] {
        if (!m_transfers)
            return;
        const Transfers::State state = m_transfers->info(id).state;
        if (state == Transfers::State::Paused || state == Transfers::State::Failed)
            m_transfers->resume(id);
        else
            m_transfers->pause(id);
    });
    connect(row.cancel, &QToolButton::clicked, this, [this, id] {
        if (!m_transfers)
            return;
        const Transfers::State state = m_transfers->info(id).state;
        if (state == Transfers::State::Active || state == Transfers::State::Waiting
            || state == Transfers::State::Paused)
            m_transfers->cancel(id);
        else
            m_transfers->dismiss(id);
    });
    m_layout->addWidget(row.widget);
    m_rows.insert(id, row);
    show();
    update(id);
}

void TransferStrip::update(int id)
{
    if (!m_transfers || !m_rows.contains(id))
        return;
    const Row &row = m_rows[id];
    const Transfers::Info info = m_transfers->info(id);
    const QString arrow
        = info.kind == Transfers::Kind::Upload ? QStringLiteral("↑ ") : QStringLiteral("↓ ");
    const QString name = arrow + info.name;
    row.name->setText(
        row.name->fontMetrics().elidedText(name, Qt::ElideMiddle, row.name->maximumWidth()));
    row.name->setToolTip(info.name);
    row.bar->setValue(info.size > 0 ? int(ProgressSteps * info.done / info.size)
                                    : (info.state == Transfers::State::Done ? ProgressSteps : 0));
    const QString amount = tr("%1 of %2")
                               .arg(attachmentview::formatSize(info.done),
                                    attachmentview::formatSize(std::max<qint64>(0, info.size)));
    QString status;
    bool running = false;
    switch (info.state) {
    case Transfers::State::Active:
        running = true;
        status = info.bytesPerSecond > 0
            ? amount + QStringLiteral(" · ") + speedText(info.bytesPerSecond)
            : amount;
        // A download continued from its .part (after a restart of the app, or a break): the
        // bytes before this point were not fetched again.
        if (info.kind == Transfers::Kind::Download && info.resumedFrom > 0)
            status += QStringLiteral(" · ")
                + tr("resumed at %1").arg(attachmentview::formatSize(info.resumedFrom));
        break;
    case Transfers::State::Waiting:
        running = true;
        status = tr("%1 · waiting for the hub…").arg(amount);
        break;
    case Transfers::State::Paused:
        running = true;
        status = tr("Paused at %1").arg(amount);
        break;
    case Transfers::State::Done:
        status
            = info.kind == Transfers::Kind::Upload ? tr("Sent") : tr("Saved to %1").arg(info.path);
        break;
    case Transfers::State::Failed:
        status = tr("Failed: %1").arg(info.error);
        break;
    case Transfers::State::Cancelled:
        status = tr("Cancelled");
        break;
    }
    setStatus(row.status, status);
    row.pause->setVisible(running || info.state == Transfers::State::Failed);
    row.pause->setText(info.state == Transfers::State::Paused
                               || info.state == Transfers::State::Failed
                           ? tr("Resume")
                           : tr("Pause"));
    row.cancel->setText(running ? tr("Cancel") : tr("Dismiss"));
    if (info.state == Transfers::State::Done || info.state == Transfers::State::Cancelled) {
        QTimer::singleShot(DoneLingerMs, this, [this, id] {
            if (m_transfers)
                m_transfers->dismiss(id);
        });
    }
}

void TransferStrip::remove(int id)
{
    const auto it = m_rows.find(id);
    if (it == m_rows.end())
        return;
    it->widget->deleteLater();
    m_rows.erase(it);
    if (m_rows.isEmpty())
        hide();
}

QString TransferStrip::statusText(const QLabel *status)
{
    return status->toolTip();
}

void TransferStrip::setStatus(QLabel *status, const QString &text)
{
    status->setToolTip(text);
    status->setText(status->fontMetrics().elidedText(text, Qt::ElideRight, status->width()));
}

bool TransferStrip::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize) {
        if (auto *status = qobject_cast<QLabel *>(watched))
            setStatus(status, status->toolTip());
    }
    return QWidget::eventFilter(watched, event);
}

void TransferStrip::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        for (int id : m_rows.keys())
            update(id);
    }
    QWidget::changeEvent(event);
}

} // namespace confab
