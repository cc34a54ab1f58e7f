#pragma once
// The STUN and TURN servers `confab serve --ice-server URL` hands to every client for calls
// (GET /api/v2/calls/config). TURN credentials are written into the URL, as
// `turn:USER:PASSWORD@HOST:PORT` (percent-encoded where needed), and handed out apart, as a
// browser's RTCIceServer wants them (docs/protocol.md, "Calls").

#include <QJsonObject>
#include <QString>

#include <optional>

namespace confab {

// `stun:HOST[:PORT]`, `stuns:…`, `turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp]`,
// `turns:…` → {"urls": [URL without credentials], "username"?, "credential"?}; nullopt with a
// message saying what is wrong otherwise.
std::optional<QJsonObject> parseIceServer(const QString &text, QString *errorMessage);

} // namespace confab
