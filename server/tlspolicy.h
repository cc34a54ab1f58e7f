#pragma once
// What `--tls required` does to a plain-HTTP request: from this machine (loopback) nothing, from
// anywhere else a redirect to the same address over https:// with a short page saying why.

#include "httpmessage.h"
#include "hubsettings.h"

#include <optional>

namespace confab {

// The answer that replaces the request's own, or nothing when the request may go on.
std::optional<HttpReply> tlsPolicyAnswer(TlsMode mode, const HttpRequest &request);

} // namespace confab
