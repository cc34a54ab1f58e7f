#pragma once
// Ctrl+K: a small window that lists the member's conversations, narrowed down as the user types
// part of a name; Enter (or a click) opens the one highlighted.

#include <QDialog>

class QAbstractItemModel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace confab {

class QuickSwitcher : public QDialog
{
    Q_OBJECT
public:
    // conversations: a ConversationListModel.
    explicit QuickSwitcher(QAbstractItemModel *conversations, QWidget *parent = nullptr);

    QLineEdit *filterField() const;
    QListView *list() const;

signals:
    void conversationChosen(const QString &conversationId);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void chooseCurrent();
    void selectFirst();

    QSortFilterProxyModel *m_filter;
    QLineEdit *m_field;
    QListView *m_list;
};

} // namespace confab
