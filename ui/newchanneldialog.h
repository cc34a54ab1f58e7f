#pragma once
// "New channel…": a title and an optional topic. The hub's answer shows in the dialog (a taken
// name, a bad title): the user is looking there. Closes once the channel is made and joined.

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace confab {

class HubConnection;

class NewChannelDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewChannelDialog(HubConnection *connection, QWidget *parent = nullptr);

    QLineEdit *titleField() const;
    QLineEdit *topicField() const;
    QLabel *errorLabel() const;
    void submit();

private:
    void showError(const QString &text);
    void setBusy(bool busy);

    QPointer<HubConnection> m_connection;
    QLineEdit *m_title;
    QLineEdit *m_topic;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    bool m_pending = false;
};

} // namespace confab
