#pragma once
// The incoming-call banner at the top of the window: "Ana is calling (video)" with Accept and
// Decline. It follows one IncomingCall and goes away by itself when that call stops ringing
// (accepted here or on another device, declined, cancelled by the caller, missed).

#include "calls.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace confab {

class CallBanner : public QFrame
{
    Q_OBJECT
public:
    explicit CallBanner(QWidget *parent = nullptr);

    // Shows the banner for `call` (replacing any other) until it stops ringing.
    void showCall(IncomingCall *call);
    IncomingCall *call() const { return m_call; }
    // A line under the question: "Opening your browser…", or why that failed.
    void setStatus(const QString &text, bool error);

    QLabel *textLabel() const { return m_text; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *acceptButton() const { return m_accept; }
    QPushButton *declineButton() const { return m_decline; }

signals:
    void acceptRequested(const QString &callId);
    void declineRequested(const QString &callId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void dismiss();

    QPointer<IncomingCall> m_call;
    QLabel *m_text;
    QLabel *m_status;
    QPushButton *m_accept;
    QPushButton *m_decline;
};

} // namespace confab
