#pragma once
// The search panel (Ctrl+F: the open conversation, Ctrl+Shift+F: all of them): a query field,
// the hub's matches newest first with the matched ranges highlighted, "More" for the next page,
// and a readable line when the hub refuses the query or finds nothing. Choosing a match asks the
// window to open that conversation at that message.

#include <QPointer>
#include <QStyledItemDelegate>
#include <QTextLayout>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStandardItemModel;

namespace confab {

class HubConnection;
struct SearchResults;
struct ApiError;

// Draws one match: "conversation · sender · time" over the message text, the matched ranges
// on a highlight colour. The text is laid out as plain text (QTextLayout), never rich text.
class SearchResultDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    static constexpr int MaxTextLines = 3;

    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    // The highlight formats of a row's text (its ranges, in UTF-16 code units).
    static QList<QTextLayout::FormatRange> highlightFormats(const QModelIndex &index,
                                                            const QColor &background);
};

class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,
        ConversationTitleRole,
        MessageIdRole,
        SenderRole,
        TimestampRole, // QDateTime (local)
        TextRole, // plain text
        RangesRole, // QVariantList of QPoint(start, length), UTF-16 code units of TextRole
    };
    static constexpr int PageSize = 20;
    static constexpr int TypingDelayMs = 350; // search once the user pauses typing

    explicit SearchPanel(QWidget *parent = nullptr);

    void setConnection(HubConnection *connection);
    // conversationId empty: every conversation of the member.
    void setScope(const QString &conversationId, const QString &title);
    QString scope() const;
    // Puts the cursor in the query field (its text selected, to type a new one).
    void focusQuery();

    QLineEdit *queryField() const;
    QListView *resultsView() const;
    QStandardItemModel *results() const;
    QLabel *statusLabel() const; // the refusal, "no results", "searching…"
    QPushButton *moreButton() const;
    bool isSearching() const;

    void search(); // the query field's text, from the newest
    void loadMore(); // the next page (after hasMore)

signals:
    void resultChosen(const QString &conversationId, qint64 messageId);
    void closeRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void ask(qint64 beforeId);
    void showResults(const SearchResults &results, bool firstPage);
    void showError(const ApiError &error);
    void chooseRow(const QModelIndex &index);
    void retranslate();

    QPointer<HubConnection> m_connection;
    QString m_scopeId;
    QString m_scopeTitle;
    QLabel *m_scopeLabel;
    QLineEdit *m_query;
    QLabel *m_status;
    QListView *m_view;
    QStandardItemModel *m_model;
    QPushButton *m_more;
    QTimer m_typingTimer;
    QString m_askedText; // the query of the shown results
    qint64 m_nextBefore = 0;
    quint64 m_generation = 0; // answers to older queries are dropped
    bool m_searching = false;
};

} // namespace confab
