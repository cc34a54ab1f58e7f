// GET /healthz, GET /metrics: for people and tools that run the hub.

#include "bus/eventbus.h"
#include "bus/eventfanout.h"
#include "files/fileservice.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "restapi.h"
#include "routes.h"
#include "store/chatstore.h"

#include <confab/version.h>

namespace confab {

void addOpsRoutes(Router &router, HubServices &services)
{
    router.add("GET", QStringLiteral("/healthz"), Router::Access::Public,
               [&services](RouteContext &) {
                   QJsonObject health
                       = HealthInfo {QStringLiteral("ok"), QStringLiteral(CONFAB_VERSION_STRING),
                                     protocol::ApiVersion, services.settings.maxTextChars,
                                     services.store.instance()}
                             .toJson();
                   // The TLS identity belongs to this hub, not to the shared REST body.
                   health.insert(QStringLiteral("tls"), services.tlsHealth());
                   return jsonReply(200, health);
               });
    router.add(
        "GET", QStringLiteral("/metrics"), Router::Access::Public, [&services](RouteContext &) {
            QByteArray text;
            const auto metric
                = [&text](const char *name, const char *type, const char *help, qint64 value) {
                      text += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' '
                          + type + '\n' + name + ' ' + QByteArray::number(value) + '\n';
                  };
            const HubMetrics &counters = services.metrics;
            metric("confab_subscribers", "gauge", "Open event streams.",
                   services.bus.subscriberCount());
            metric("confab_connections", "gauge", "Open TCP connections.",
                   services.connectionCount());
            metric("confab_messages_total", "counter", "Messages stored.", counters.messages);
            metric("confab_events_sent_total", "counter", "Events written to subscribers.",
                   counters.eventsSent);
            metric("confab_bytes_sent_total", "counter", "Event-stream bytes written.",
                   counters.bytesSent);
            metric("confab_slow_subscribers_dropped_total", "counter",
                   "Subscribers dropped for not reading.", counters.slowDropped);
            metric("confab_events_replayed_total", "counter", "Events replayed from Last-Event-ID.",
                   counters.eventsReplayed);
            metric("confab_calls_ringing", "gauge", "Calls ringing.", counters.callsRinging);
            metric("confab_calls_active", "gauge", "Calls answered and not yet ended.",
                   counters.callsActive);
            metric("confab_calls_started_total", "counter", "Calls placed.", counters.callsStarted);
            metric("confab_call_signals_relayed_total", "counter",
                   "Call signals (offers, answers, candidates) relayed.",
                   counters.callSignalsRelayed);
            metric("confab_requests_refused_total", "counter",
                   "Requests refused by the connection guard.", services.refusedCount());
            metric("confab_tls_handshakes_total", "counter", "TLS handshakes completed.",
                   services.tlsHandshakesCompleted());
            metric("confab_tls_handshakes_failed_total", "counter",
                   "TLS handshakes that failed or timed out (garbage, old protocol versions, "
                   "stalls).",
                   services.tlsHandshakesFailed());
            metric("confab_connections_silent_closed_total", "counter",
                   "Connections closed before they sent a byte.", services.silentClosedCount());
            if (FileService *files = services.files) {
                const FileMetrics &f = files->metrics();
                metric("confab_uploads_started_total", "counter", "Uploads created.",
                       f.uploadsStarted);
                metric("confab_uploads_completed_total", "counter",
                       "Uploads finished, stored and posted.", f.uploadsCompleted);
                metric("confab_upload_bytes_total", "counter", "Upload body bytes written to disk.",
                       f.uploadBytes);
                metric("confab_uploads_in_progress", "gauge", "Unfinished uploads.",
                       files->uploadsInProgress());
                metric("confab_upload_transfers_off_thread", "gauge",
                       "PATCH bodies being received on a worker thread.",
                       files->transfersRunning());
                metric("confab_downloads_total", "counter", "File and thumbnail downloads.",
                       f.downloads);
                metric("confab_download_bytes_total", "counter", "File bytes sent.",
                       f.downloadBytes);
                metric("confab_files_stored_bytes", "gauge",
                       "Bytes of stored files (each content once).", files->storedBytes());
            }
            return HttpReply {200, QByteArrayLiteral("text/plain; version=0.0.4"), text, {}};
        });
}

} // namespace confab
