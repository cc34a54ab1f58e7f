#pragma once
// Server-Sent Events framing (the writing side). The only place that produces event-stream bytes.

#include "chatevent.h"
#include <QByteArray>

namespace confab::sse {

// `id: N\nevent: T\ndata: ...\n\n`; multi-line data becomes several `data:` lines
// (CRLF and CR normalised to LF first). `id:` is left out when event.id == 0.
QByteArray frame(const WireEvent &event);
// `retry: MS\n\n`: sets the client's reconnection time.
QByteArray retryField(int milliseconds);
// `: TEXT\n\n`: a comment, used as the heartbeat.
QByteArray comment(QByteArrayView text);

} // namespace confab::sse
