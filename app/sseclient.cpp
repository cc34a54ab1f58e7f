#include "sseclient.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <cmath>

Q_LOGGING_CATEGORY(lcSseClient, "confab.sseclient")

namespace confab {

namespace {

constexpr int MaxRedirects = 10;
constexpr QLatin1StringView EventStreamType("text/event-stream");

bool isEventStreamContentType(const QString &contentType)
{
    // The type must match; parameters such as charset are ignored, and so is letter case.
    const QStringView type = QStringView(contentType).left(contentType.indexOf(QLatin1Char(';')));
    return type.trimmed().compare(EventStreamType, Qt::CaseInsensitive) == 0;
}

int secondsRoundedUp(int milliseconds)
{
    return int(std::ceil(milliseconds / 1000.0));
}

} // namespace

SseClient::SseClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_defaultRetryMs(3000)
{
    // A LAN hub is reached directly: a proxy could buffer the stream or cut it.
    m_nam->setProxy(QNetworkProxy::NoProxy);
    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);

    m_parser.setEventSink([this](const SseParser::Event &event) { dispatch(event); });

    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SseClient::connectNow);
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &SseClient::onWatchdog);
}

SseClient::~SseClient()
{
    m_running = false;
    dropConnection();
}

void SseClient::setUrl(const QUrl &url)
{
    m_url = url;
}

QUrl SseClient::url() const
{
    return m_url;
}

void SseClient::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    m_headers.append({name, value});
}

void SseClient::setLastEventId(const QString &id)
{
    m_lastEventId = id;
}

QString SseClient::lastEventId() const
{
    return m_lastEventId;
}

void SseClient::setHeartbeatIntervalMs(int milliseconds)
{
    m_heartbeatMs = qMax(1, milliseconds);
}

void SseClient::setDefaultRetryMs(int milliseconds)
{
    m_defaultRetryMs = qMax(0, milliseconds);
}

void SseClient::setReconnectLimit(int limit)
{
    m_reconnectLimit = limit;
}

void SseClient::setParserLimits(SseParser::Limits limits)
{
    m_parser = SseParser(limits);
    m_parser.setEventSink([this](const SseParser::Event &event) { dispatch(event); });
}

void SseClient::setBackoffSettings(Backoff::Settings settings)
{
    m_backoff = Backoff(settings);
}

void SseClient::start()
{
    m_reconnectTimer.stop();
    dropConnection();
    m_running = true;
    m_reconnects = 0;
    m_backoff.reset();
    setState(State::Connecting, tr("Connecting…"));
    // Never connect from inside the caller's stack: start() may be called from one of our own
    // signals, while the parser is still working through a chunk of the old connection.
    m_reconnectTimer.start(0);
}

void SseClient::stop()
{
    const bool wasActive = m_running || m_reply;
    m_running = false;
    m_reconnectTimer.stop();
    dropConnection();
    if (wasActive) {
        setState(State::Closed, tr("Stopped"));
        emit closed();
    }
}

SseClient::State SseClient::state() const
{
    return m_state;
}

QString SseClient::stateReason() const
{
    return m_stateReason;
}

int SseClient::reconnectionTimeMs() const
{
    return m_parser.reconnectionTimeMs().value_or(m_defaultRetryMs);
}

int SseClient::reconnectCount() const
{
    return m_reconnects;
}

QString SseClient::reconnectNote(int retryInMs)
{
    return tr("Reconnecting in %n s.", nullptr, secondsRoundedUp(retryInMs));
}

void SseClient::connectNow()
{
    if (!m_running)
        return;
    dropConnection();
    m_parser.reset();
    m_parser.setLastEventId(m_lastEventId);

    QNetworkRequest request(m_pin ? TlsPin::secured(m_url) : m_url);
    if (m_pin)
        m_pin->apply(request);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    // No compression: QNAM would otherwise decode it for us, and may hold bytes back to do so.
    request.setRawHeader("Accept-Encoding", "identity");
    if (!m_lastEventId.isEmpty())
        request.setRawHeader("Last-Event-ID", m_lastEventId.toUtf8());
    for (const auto &header : std::as_const(m_headers))
        request.setRawHeader(header.first, header.second);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(MaxRedirects);

    qCDebug(lcSseClient) << "connecting to" << m_url.toDisplayString(QUrl::RemoveQuery)
                         << "last event id" << m_lastEventId;
    setState(State::Connecting, tr("Connecting…"));
    QNetworkReply *reply = m_nam->get(request);
    if (m_pin)
        m_pin->watch(reply);
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, &SseClient::onMetaDataChanged);
    connect(reply, &QNetworkReply::readyRead, this, &SseClient::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &SseClient::onFinished);
    m_watchdog.start(int(m_heartbeatMs * WatchdogHeartbeats));
}

void SseClient::onMetaDataChanged()
{
    if (!m_reply || sender() != m_reply)
        return;
    m_watchdog.start();
    checkResponse();
}

bool SseClient::checkResponse()
{
    if (m_open)
        return true;
    QNetworkReply *reply = m_reply;
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid())
        return false;
    const int status = statusAttribute.toInt();
    if (status >= 300 && status < 400 && reply->isRunning())
        return false; // a redirect QNAM is following: wait for the final answer
    if (status != 200) {
        const QString phrase
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().left(100);
        fail(status, tr("The server answered %1 %2").arg(status).arg(phrase).trimmed());
        return false;
    }
    const QString contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (!isEventStreamContentType(contentType)) {
        fail(0, tr("Not an event stream (Content-Type: %1)").arg(contentType.left(100)));
        return false;
    }
    m_open = true;
    qCDebug(lcSseClient) << "stream open";
    setState(State::Open, tr("Connected"));
    emit opened();
    return m_reply == reply && m_open;
}

void SseClient::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply)
        return;
    m_watchdog.start();
    if (!checkResponse())
        return;
    if (m_reply != reply)
        return; // a slot of opened() stopped or restarted us
    const QByteArray bytes = reply->readAll();
    const SseParser::Status status = m_parser.feed(bytes);
    if (m_reply != reply)
        return;
    m_lastEventId = m_parser.lastEventId();
    if (status == SseParser::Status::LimitExceeded) {
        qCWarning(lcSseClient) << "stream exceeded the parser's size limits; reconnecting";
        dropConnection();
        scheduleReconnect(Ending::Misbehaving, tr("The stream sent an oversized line or event."));
    }
}

void SseClient::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply)
        return;
    if (!m_open) {
        checkResponse();
        if (m_reply != reply)
            return; // failed (or a slot stopped us)
    }
    if (!m_open) {
        const QNetworkReply::NetworkError error = reply->error();
        const QString why = reply->errorString();
        if (const QString refusal = TlsPin::refusalOf(reply); !refusal.isEmpty()) {
            fail(0, refusal); // another hub, or an impostor: trying again would not help
            return;
        }
        if (error == QNetworkReply::TooManyRedirectsError
            || error == QNetworkReply::InsecureRedirectError) {
            fail(0, why);
            return;
        }
        dropConnection();
        scheduleReconnect(Ending::Unreachable, why);
        return;
    }
    // The last bytes may arrive together with the end.
    onReadyRead();
    if (m_reply != reply)
        return;
    const QString why
        = reply->error() == QNetworkReply::NoError ? tr("The stream ended.") : reply->errorString();
    m_parser.endOfStream();
    dropConnection();
    scheduleReconnect(Ending::Normal, why);
}

void SseClient::onWatchdog()
{
    if (!m_reply)
        return;
    const bool wasOpen = m_open;
    const int silentSeconds = secondsRoundedUp(int(m_heartbeatMs * WatchdogHeartbeats));
    qCInfo(lcSseClient) << "no data for" << silentSeconds << "s; treating the link as dead";
    dropConnection();
    scheduleReconnect(wasOpen ? Ending::Normal : Ending::Unreachable,
                      tr("No data for %n s.", nullptr, silentSeconds));
}

void SseClient::dropConnection()
{
    m_watchdog.stop();
    m_open = false;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply)
        return;
    // Disconnected first, so that the abort's own finished() does not look like a broken link.
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

void SseClient::scheduleReconnect(Ending ending, const QString &why)
{
    if (!m_running)
        return;
    if (m_reconnectLimit >= 0 && m_reconnects >= m_reconnectLimit) {
        m_running = false;
        setState(State::Closed, why);
        emit closed();
        return;
    }
    ++m_reconnects;
    // A stream that was open and healthy starts the backoff over: its end is ordinary (a hub
    // restart, a dropped Wi-Fi). A host that cannot be reached, or a stream that breaks the caps,
    // makes the delay grow.
    if (ending == Ending::Normal)
        m_backoff.reset();
    const int delay = m_backoff.nextDelayMs(reconnectionTimeMs());
    qCDebug(lcSseClient) << "reconnecting in" << delay << "ms:" << why;
    setState(State::Connecting, why, delay);
    m_reconnectTimer.start(delay);
}

void SseClient::fail(int httpStatus, const QString &reason)
{
    qCWarning(lcSseClient) << "stream failed:" << reason;
    m_running = false;
    m_reconnectTimer.stop();
    dropConnection();
    setState(State::Closed, reason);
    emit failed(httpStatus, reason);
    emit closed();
}

void SseClient::setState(State state, const QString &reason, int retryInMs)
{
    if (state == m_state && reason == m_stateReason)
        return;
    m_state = state;
    m_stateReason = reason;
    emit stateChanged(state, reason, retryInMs);
}

void SseClient::dispatch(const SseParser::Event &event)
{
    // Events still in the parser's current chunk after a stop() or a restart are not delivered.
    if (!m_open || !m_running)
        return;
    m_lastEventId = event.lastEventId;
    emit eventReceived(event.type, event.data, event.lastEventId);
}

} // namespace confab
