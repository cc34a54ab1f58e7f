#include "callhandoff.h"

#include "hubapi.h"

#include <QHostAddress>
#include <QUrlQuery>

namespace confab {

namespace {
bool isLoopback(const QString &host)
{
    if (host.compare(QLatin1StringView("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}
} // namespace

CallHandoff::CallHandoff(HubApi *api, UrlOpener opener, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_opener(std::move(opener))
{ }

QUrl CallHandoff::handoffUrl(const QUrl &hubUrl, bool tls, const QString &code,
                             const Request &request)
{
    QUrl url;
    if (isLoopback(hubUrl.host())) {
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("localhost"));
    } else {
        url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
        url.setHost(hubUrl.host());
    }
    url.setPort(hubUrl.port(tls ? 443 : 80));
    url.setPath(QStringLiteral("/"));
    // The fragment (never sent to a server, so never in a log) carries the code and the call.
    QUrlQuery fragment;
    fragment.addQueryItem(QStringLiteral("handoff"), code);
    if (request.action == Request::Action::Accept) {
        fragment.addQueryItem(QStringLiteral("call"), request.callId);
        fragment.addQueryItem(QStringLiteral("action"), QStringLiteral("accept"));
    } else {
        fragment.addQueryItem(QStringLiteral("action"), QStringLiteral("start"));
        fragment.addQueryItem(QStringLiteral("callee"), request.calleeId);
        fragment.addQueryItem(QStringLiteral("media"), request.media);
    }
    url.setFragment(fragment.toString(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

void CallHandoff::open(const Request &request)
{
    m_api->requestHandoff([this, request](const ApiResult<HubApi::HandoffCode> &result) {
        if (!result.ok()) {
            emit failed(
                tr("The hub did not give a link for the browser: %1").arg(result.error.message));
            return;
        }
        // The pinned connection is the one speaking TLS (HubApi::setPin): its scheme is https.
        const bool tls = m_api->baseUrl().scheme() == QLatin1StringView("https");
        const QUrl url
            = handoffUrl(m_api->baseUrl(), tls || m_api->isPinned(), result.value->code, request);
        if (!m_opener || !m_opener(url)) {
            emit failed(tr("Confab could not open your web browser."));
            return;
        }
        emit opened(url);
    });
}

} // namespace confab
