#pragma once
// "Message…": pick one of the hub's members (not yourself) to write to; opens the DM.

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace confab {

class HubConnection;

class MemberPicker : public QDialog
{
    Q_OBJECT
public:
    explicit MemberPicker(HubConnection *connection, QWidget *parent = nullptr);

    QLineEdit *filterField() const;
    QListView *list() const;
    QLabel *errorLabel() const;
    void pickCurrent();

private:
    QPointer<HubConnection> m_connection;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_field;
    QListView *m_list;
    QLabel *m_error;
    bool m_pending = false;
};

} // namespace confab
