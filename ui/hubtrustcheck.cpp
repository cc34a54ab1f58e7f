#include "hubtrustcheck.h"

#include "hubtrust.h"

#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace confab {

namespace {
constexpr int FingerprintGroupsPerLine = 8;
} // namespace

HubTrustCheck::HubTrustCheck(QWidget *dialogParent)
    : QObject(dialogParent)
    , m_parent(dialogParent)
    , m_probe(new TlsProbe(this))
{
    connect(m_probe, &TlsProbe::finished, this, &HubTrustCheck::onProbed);
}

bool HubTrustCheck::isChecking() const
{
    return m_checking;
}

void HubTrustCheck::setProbeTimeoutMs(int ms)
{
    m_probeTimeoutMs = ms;
}

QString HubTrustCheck::grouped(const QString &fingerprint)
{
    return groupedFingerprint(fingerprint, FingerprintGroupsPerLine);
}

QUrl HubTrustCheck::pinnedUrl(const QUrl &url)
{
    QUrl out = TlsPin::secured(url);
    out.setFragment(QString());
    return out;
}

void HubTrustCheck::check(const JoinRequest &request)
{
    m_request = request;
    m_checking = true;
    emit progress(tr("Checking the identity of %1…").arg(HubTrustStore::keyOf(request.hubUrl)));
    m_probe->start(request.hubUrl, m_probeTimeoutMs);
}

void HubTrustCheck::checkAnnounced(const JoinRequest &request, const QString &fingerprint,
                                   Source source)
{
    m_probe->abort();
    m_request = request;
    const QString remembered = m_store.remembered(request.hubUrl);
    if (source == Source::Beacon && !remembered.isEmpty() && remembered != fingerprint) {
        warnChanged(HubTrustStore::keyOf(request.hubUrl), remembered, fingerprint);
        return;
    }
    // Not remembered here: a link or beacon naming a wrong certificate must not replace what
    // this computer knows. The window remembers the pin once the hub has presented it (live).
    approvePinned(fingerprint, false);
}

void HubTrustCheck::approvePinned(const QString &fingerprint, bool remember)
{
    m_checking = false;
    if (remember)
        m_store.remember(m_request.hubUrl, fingerprint);
    JoinRequest pinned = m_request;
    pinned.pin = TlsPin::parse(fingerprint);
    pinned.hubUrl = pinnedUrl(m_request.hubUrl);
    emit approved(pinned);
}

void HubTrustCheck::onProbed(TlsProbe::Outcome outcome)
{
    const QString address = HubTrustStore::keyOf(m_request.hubUrl);
    const QString remembered = m_store.remembered(m_request.hubUrl);
    switch (outcome) {
    case TlsProbe::Outcome::Certificate: {
        const QString presented = m_probe->fingerprint();
        if (presented == remembered) {
            approvePinned(presented, false);
        } else if (!remembered.isEmpty()) {
            warnChanged(address, remembered, presented);
        } else if (askFirstTime(address, presented)) {
            approvePinned(presented, true);
        } else {
            m_checking = false;
            emit refused({});
        }
        return;
    }
    case TlsProbe::Outcome::NotTls:
        m_checking = false;
        if (!remembered.isEmpty()) {
            // Once encrypted, always: a hub that now answers in clear text is not trusted.
            emit refused(tr("The hub at %1 no longer answers with its encrypted identity "
                            "(remembered fingerprint %2). Someone may be impersonating it; "
                            "Confab did not connect and sent nothing.")
                             .arg(address, remembered));
            return;
        }
        // A hub with TLS off or a Confab from before TLS: joined in clear text, as before.
        emit approved(m_request);
        return;
    case TlsProbe::Outcome::Unreachable:
        m_checking = false;
        emit refused(tr("Could not reach %1 (%2). Check the address, and that Confab is running "
                        "there and hosting a room.")
                         .arg(m_request.hubUrl.toString(), m_probe->errorText()));
        return;
    }
}

bool HubTrustCheck::askFirstTime(const QString &address, const QString &fingerprint)
{
    QMessageBox box(m_parent);
    box.setObjectName(QStringLiteral("firstTrustQuestion"));
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("New Hub"));
    box.setTextFormat(Qt::PlainText); // the address is the user's own text
    box.setText(
        tr("This is the first time you join the hub at %1. Its fingerprint is:").arg(address));
    box.setInformativeText(
        grouped(fingerprint) + QStringLiteral("\n\n")
        + tr("Compare it with the fingerprint shown in the host's window, under “Others join "
             "at”. If they match, Confab remembers this hub and checks it every time."));
    QPushButton *trust = box.addButton(tr("Trust and Join"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(trust);
    box.exec();
    return box.clickedButton() == trust;
}

void HubTrustCheck::warnChanged(const QString &address, const QString &remembered,
                                const QString &presented)
{
    m_checking = false;
    QMessageBox box(m_parent);
    box.setObjectName(QStringLiteral("changedIdentityWarning"));
    box.setIcon(QMessageBox::Critical);
    box.setWindowTitle(tr("Hub Identity Changed"));
    box.setTextFormat(Qt::PlainText);
    box.setText(tr("WARNING: the identity of the hub at %1 has changed! Confab did not connect "
                   "and sent nothing.")
                    .arg(address));
    box.setInformativeText(
        tr("This computer remembers the fingerprint\n%1\nbut the hub now presents\n%2\n\nSomeone "
           "may be impersonating the hub to read your messages, or the host gave it a new "
           "identity (for example by reinstalling Confab). Ask the host which fingerprint their "
           "window shows. Only if it is the new one, forget the old identity and join again.")
            .arg(grouped(remembered), grouped(presented)));
    QPushButton *forget = box.addButton(tr("Forget Old Identity"), QMessageBox::DestructiveRole);
    QPushButton *close = box.addButton(QMessageBox::Close);
    box.setDefaultButton(close);
    box.exec();
    if (box.clickedButton() == forget) {
        m_store.forget(m_request.hubUrl);
        emit refused(
            tr("Forgot the old identity of %1. Join again to check the new one.").arg(address));
        return;
    }
    emit refused(tr("Did not join %1: its identity has changed (fingerprint %2, expected %3).")
                     .arg(address, presented, remembered));
}

} // namespace confab
