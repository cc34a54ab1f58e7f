#pragma once
// Trust on first use in the window, as SSH does it: before joining a hub by address, learn the
// certificate it presents (TlsProbe, nothing is sent) and compare it with what this computer
// remembers for that hub (HubTrustStore). The first time, show the fingerprint and ask; later,
// the same certificate joins without a question, and another one gives a warning naming both
// fingerprints and does not connect. A fingerprint from a #fp= link or the LAN beacon pins the
// hub without asking.

#include "hubtrust.h"
#include "startpage.h"

#include <QObject>
#include <QPointer>

class QMessageBox;
class QWidget;

namespace confab {

class HubTrustCheck : public QObject
{
    Q_OBJECT
public:
    enum class Source {
        Link, // `https://HOST:PORT/#fp=HEX` from the host: pins, whatever was remembered
        Beacon, // the LAN beacon: anyone on the LAN can send one, so a change still warns
    };

    explicit HubTrustCheck(QWidget *dialogParent);

    void check(const JoinRequest &request);
    void checkAnnounced(const JoinRequest &request, const QString &fingerprint, Source source);
    bool isChecking() const;
    void setProbeTimeoutMs(int ms);

    // "3f1c 9a2b …": 16 groups of 4, as the host's window shows it.
    static QString grouped(const QString &fingerprint);
    static QUrl pinnedUrl(const QUrl &url);

signals:
    void progress(const QString &message);
    // Join with this request: pinned, or plain http for a hub without TLS never pinned before.
    void approved(const confab::JoinRequest &request);
    // Not joining; message says why (empty: the user said no, nothing to show).
    void refused(const QString &message);

private:
    void onProbed(TlsProbe::Outcome outcome);
    bool askFirstTime(const QString &address, const QString &fingerprint);
    void warnChanged(const QString &address, const QString &remembered, const QString &presented);
    void approvePinned(const QString &fingerprint, bool remember);

    QWidget *m_parent;
    TlsProbe *m_probe;
    HubTrustStore m_store;
    JoinRequest m_request;
    int m_probeTimeoutMs = TlsProbe::DefaultTimeoutMs;
    bool m_checking = false;
};

} // namespace confab
