#pragma once
// "Call" and "Video call" in a direct-message conversation's header. Shown only for a DM; a click
// asks for a call to the DM's other member (the controller hands it to the browser).

#include "restapi.h"

#include <QWidget>

#include <optional>

class QToolButton;

namespace confab {

class CallButtons : public QWidget
{
    Q_OBJECT
public:
    explicit CallButtons(QWidget *parent = nullptr);

    // The DM's other member; nullopt (a channel, nothing open): the buttons hide.
    void setPeer(const std::optional<Member> &peer);

    QToolButton *callButton() const { return m_call; }
    QToolButton *videoButton() const { return m_video; }

signals:
    void callRequested(const QString &memberId, bool video);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    std::optional<Member> m_peer;
    QToolButton *m_call;
    QToolButton *m_video;
};

} // namespace confab
