#include "searchpanel.h"

#include "hubapi.h"
#include "hubconnection.h"
#include "searchapi.h"

#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTextLayout>
#include <QVBoxLayout>

namespace confab {

namespace {

constexpr int PaddingPx = 6;
constexpr int HeaderGapPx = 2;
const QColor MatchBackground(255, 221, 87); // a marker's yellow: readable in light and dark

// One line per row of text: line breaks become spaces (same length, so the ranges still fit).
QString flattened(QString text)
{
    for (QChar &c : text) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            c = QLatin1Char(' ');
    }
    return text;
}

QString headerOf(const QModelIndex &index)
{
    const QDateTime when = index.data(SearchPanel::TimestampRole).toDateTime();
    return QStringLiteral("%1 · %2 · %3")
        .arg(index.data(SearchPanel::ConversationTitleRole).toString(),
             index.data(SearchPanel::SenderRole).toString(),
             QLocale().toString(when, QLocale::ShortFormat));
}

} // namespace

QList<QTextLayout::FormatRange> SearchResultDelegate::highlightFormats(const QModelIndex &index,
                                                                       const QColor &background)
{
    const int length = int(index.data(SearchPanel::TextRole).toString().size());
    QList<QTextLayout::FormatRange> formats;
    const QVariantList ranges = index.data(SearchPanel::RangesRole).toList();
    for (const QVariant &value : ranges) {
        const QPoint range = value.toPoint();
        // Ranges come from the hub: only those inside the text are drawn.
        if (range.x() < 0 || range.y() <= 0 || range.x() + range.y() > length)
            continue;
        QTextLayout::FormatRange format;
        format.start = range.x();
        format.length = range.y();
        format.format.setBackground(background);
        format.format.setForeground(Qt::black);
        formats.append(format);
    }
    return formats;
}

void SearchResultDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    const QRect area = option.rect.adjusted(PaddingPx, PaddingPx, -PaddingPx, -PaddingPx);
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorRole textRole = selected ? QPalette::HighlightedText : QPalette::Text;

    painter->save();
    QFont headerFont = option.font;
    headerFont.setBold(true);
    const QFontMetrics headerMetrics(headerFont);
    painter->setFont(headerFont);
    painter->setPen(option.palette.color(textRole));
    painter->drawText(QRect(area.left(), area.top(), area.width(), headerMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      headerMetrics.elidedText(headerOf(index), Qt::ElideRight, area.width()));

    QTextLayout layout(flattened(index.data(SearchPanel::TextRole).toString()), option.font);
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(textOption);
    layout.setFormats(highlightFormats(index, MatchBackground));
    layout.beginLayout();
    qreal y = 0;
    for (int lines = 0; lines < MaxTextLines; ++lines) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(area.width());
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout.endLayout();
    painter->setFont(option.font);
    painter->setClipRect(area);
    layout.draw(painter, QPointF(area.left(), area.top() + headerMetrics.height() + HeaderGapPx));
    painter->restore();
}

QSize SearchResultDelegate::sizeHint(const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    QFont headerFont = option.font;
    headerFont.setBold(true);
    const int width = option.rect.width() > 0 ? option.rect.width() : 300;
    QTextLayout layout(flattened(index.data(SearchPanel::TextRole).toString()), option.font);
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(textOption);
    layout.beginLayout();
    qreal height = 0;
    for (int lines = 0; lines < MaxTextLines; ++lines) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width - 2 * PaddingPx);
        height += line.height();
    }
    layout.endLayout();
    height = qMax(height, qreal(QFontMetrics(option.font).height()));
    return QSize(width,
                 QFontMetrics(headerFont).height() + HeaderGapPx + int(height) + 2 * PaddingPx);
}

SearchPanel::SearchPanel(QWidget *parent)
    : QWidget(parent)
    , m_scopeLabel(new QLabel(this))
    , m_query(new QLineEdit(this))
    , m_status(new QLabel(this))
    , m_view(new QListView(this))
    , m_model(new QStandardItemModel(this))
    , m_more(new QPushButton(this))
{
    m_scopeLabel->setTextFormat(Qt::PlainText); // a channel's title is remote text
    m_status->setTextFormat(Qt::PlainText); // may hold the hub's own message
    m_status->setWordWrap(true);
    m_status->hide();
    m_query->setClearButtonEnabled(true);
    m_view->setModel(m_model);
    m_view->setItemDelegate(new SearchResultDelegate(m_view));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setUniformItemSizes(false);
    m_view->setWordWrap(true);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setResizeMode(QListView::Adjust);
    m_more->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_scopeLabel);
    layout->addWidget(m_query);
    layout->addWidget(m_status);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_more);

    m_typingTimer.setSingleShot(true);
    m_typingTimer.setInterval(TypingDelayMs);
    connect(&m_typingTimer, &QTimer::timeout, this, &SearchPanel::search);
    connect(m_query, &QLineEdit::textEdited, this, [this] { m_typingTimer.start(); });
    connect(m_query, &QLineEdit::returnPressed, this, [this] {
        m_typingTimer.stop();
        search();
    });
    connect(m_more, &QPushButton::clicked, this, &SearchPanel::loadMore);
    connect(m_view, &QListView::activated, this, &SearchPanel::chooseRow);
    connect(m_view, &QListView::clicked, this, &SearchPanel::chooseRow);
    retranslate();
}

void SearchPanel::setConnection(HubConnection *connection)
{
    if (m_connection == connection)
        return;
    m_connection = connection;
    ++m_generation;
    m_model->clear();
    m_status->hide();
    m_more->hide();
    m_searching = false;
}

void SearchPanel::setScope(const QString &conversationId, const QString &title)
{
    const bool changed = conversationId != m_scopeId;
    m_scopeId = conversationId;
    m_scopeTitle = title;
    retranslate();
    if (changed && !m_query->text().trimmed().isEmpty())
        search();
}

QString SearchPanel::scope() const
{
    return m_scopeId;
}

void SearchPanel::focusQuery()
{
    m_query->setFocus(Qt::ShortcutFocusReason);
    m_query->selectAll();
}

QLineEdit *SearchPanel::queryField() const
{
    return m_query;
}

QListView *SearchPanel::resultsView() const
{
    return m_view;
}

QStandardItemModel *SearchPanel::results() const
{
    return m_model;
}

QLabel *SearchPanel::statusLabel() const
{
    return m_status;
}

QPushButton *SearchPanel::moreButton() const
{
    return m_more;
}

bool SearchPanel::isSearching() const
{
    return m_searching;
}

void SearchPanel::search()
{
    ++m_generation;
    m_model->clear();
    m_more->hide();
    m_nextBefore = 0;
    m_askedText = m_query->text();
    if (m_askedText.trimmed().isEmpty()) {
        m_status->hide();
        m_searching = false;
        return;
    }
    ask(0);
}

void SearchPanel::loadMore()
{
    if (m_searching || m_nextBefore <= 0)
        return;
    ask(m_nextBefore);
}

void SearchPanel::ask(qint64 beforeId)
{
    if (!m_connection) {
        m_status->setText(tr("Not connected to a hub."));
        m_status->show();
        return;
    }
    m_searching = true;
    m_more->setEnabled(false);
    m_status->setText(tr("Searching…"));
    m_status->show();
    HubApi::SearchQuery query;
    query.text = m_askedText;
    query.conversationId = m_scopeId;
    query.beforeId = beforeId;
    query.limit = PageSize;
    const quint64 call = ++m_generation;
    const QPointer<SearchPanel> self(this);
    m_connection->api()->search(query,
                                [self, call, beforeId](const ApiResult<SearchResults> &result) {
                                    if (!self || call != self->m_generation)
                                        return; // a newer query is on its way, or the panel is gone
                                    self->m_searching = false;
                                    self->m_more->setEnabled(true);
                                    if (!result.ok())
                                        self->showError(result.error);
                                    else
                                        self->showResults(*result.value, beforeId == 0);
                                });
}

void SearchPanel::showResults(const SearchResults &results, bool firstPage)
{
    for (const SearchHitInfo &hit : results.results) {
        auto *item = new QStandardItem;
        item->setData(hit.message.room, ConversationIdRole);
        item->setData(hit.conversationTitle.isEmpty() ? hit.message.room : hit.conversationTitle,
                      ConversationTitleRole);
        item->setData(hit.message.id, MessageIdRole);
        item->setData(hit.message.from.name, SenderRole);
        item->setData(QDateTime::fromMSecsSinceEpoch(hit.message.ts), TimestampRole);
        item->setData(hit.message.text, TextRole);
        QVariantList ranges;
        for (const SearchHitInfo::Range &range : hit.ranges)
            ranges.append(QPoint(range.start, range.length));
        item->setData(ranges, RangesRole);
        // Screen readers and copy: the plain text.
        item->setData(QStringLiteral("%1: %2").arg(hit.message.from.name, hit.message.text),
                      Qt::AccessibleTextRole);
        m_model->appendRow(item);
    }
    m_nextBefore = results.hasMore ? results.nextBefore : 0;
    m_more->setVisible(m_nextBefore > 0);
    if (m_model->rowCount() == 0 && !results.hasMore) {
        m_status->setText(m_scopeId.isEmpty()
                              ? tr("No messages match “%1”.").arg(m_askedText)
                              : tr("No messages in %1 match “%2”.").arg(m_scopeTitle, m_askedText));
        m_status->show();
    } else if (results.truncated && results.results.empty()) {
        m_status->setText(tr("Nothing found yet; the hub stopped looking early. Press More to "
                             "search older messages."));
        m_status->show();
    } else {
        m_status->hide();
    }
    if (firstPage && m_model->rowCount() > 0)
        m_view->scrollToTop();
}

void SearchPanel::showError(const ApiError &error)
{
    QString text;
    if (error.code == QLatin1String("query_too_short"))
        text = tr("Type at least two characters to search.");
    else if (error.code == QLatin1String("bad_query"))
        text = tr("This search cannot be done: %1").arg(error.message);
    else if (error.isNetwork())
        text = tr("The hub did not answer. Try again when the connection is back.");
    else
        text = tr("Search failed: %1").arg(error.message);
    m_status->setText(text);
    m_status->show();
    m_more->hide();
}

void SearchPanel::chooseRow(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    emit resultChosen(index.data(ConversationIdRole).toString(),
                      index.data(MessageIdRole).toLongLong());
}

void SearchPanel::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        emit closeRequested();
        return;
    }
    if (event->key() == Qt::Key_Down && m_query->hasFocus() && m_model->rowCount() > 0) {
        m_view->setFocus();
        m_view->setCurrentIndex(m_model->index(0, 0));
        return;
    }
    QWidget::keyPressEvent(event);
}

void SearchPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void SearchPanel::retranslate()
{
    m_scopeLabel->setText(m_scopeId.isEmpty() ? tr("Search all conversations")
                                              : tr("Search in %1").arg(m_scopeTitle));
    m_query->setPlaceholderText(tr("Words to find (two characters or more)"));
    m_more->setText(tr("More results"));
}

} // namespace confab
