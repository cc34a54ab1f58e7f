#pragma once
// Hands a call to the system browser (docs/protocol.md, "Hand-off").
//
// Why not a web view inside the window: QtWebEngine is a 100+ MB dependency on every platform,
// Debian 12 does not build it for every architecture Confab runs on, and it would be a second
// copy of Chromium next to the browser the user already has (with its own camera permissions
// and updates). The hub's web page already runs calls, so the window asks the hub for a one-time
// code (60 s, single use) and opens the page with it in the address's fragment; the page trades
// it for a session of the same member and accepts or starts the call. The fragment never
// reaches a server log, and the page removes it from the address bar.
//
// The link uses the scheme the window uses for this hub: https:// when the connection is pinned
// to the hub's certificate (the browser warns once about the self-signed certificate, as the
// window explains for join links), http:// otherwise. A hub on this machine is opened as
// http://localhost:PORT/: browsers treat localhost as a secure context (camera and microphone
// work) without a certificate warning, and the hub's one port speaks plain HTTP to loopback in
// every TLS mode.

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace confab {

class HubApi;
struct ApiError;

class CallHandoff : public QObject
{
    Q_OBJECT
public:
    // Opens a URL outside Confab (the window passes QDesktopServices::openUrl; a test records it).
    using UrlOpener = std::function<bool(const QUrl &url)>;

    struct Request
    {
        enum class Action { Accept, Start };
        Action action = Action::Accept;
        QString callId; // Accept: the ringing call
        QString calleeId; // Start: whom to call
        QString media; // Start: "audio" or "video"
    };

    CallHandoff(HubApi *api, UrlOpener opener, QObject *parent = nullptr);

    // The page's address for `request` with `code` (no network).
    static QUrl handoffUrl(const QUrl &hubUrl, bool tls, const QString &code,
                           const Request &request);

    // Asks the hub for a code, then opens the page. Ends in opened() or failed().
    void open(const Request &request);

signals:
    void opened(const QUrl &url);
    void failed(const QString &reason); // readable, translated

private:
    HubApi *m_api;
    UrlOpener m_opener;
};

} // namespace confab
