#pragma once
// The hub's error answers, with the codes of protocol::error (docs/protocol.md, "Errors").

#include "httpmessage.h"
#include "protocol.h"

namespace confab {

inline HttpReply apiError(int status, const char *code, const QString &message)
{
    return HttpReply::error(status, QLatin1StringView(code), message);
}

inline HttpReply unauthorized()
{
    return apiError(401, protocol::error::Unauthorized,
                    QStringLiteral("A valid session token is needed."));
}

inline HttpReply notFound()
{
    return apiError(404, protocol::error::NotFound, QStringLiteral("No such route."));
}

inline HttpReply unknownRoom()
{
    return apiError(404, protocol::error::UnknownRoom, QStringLiteral("No such room."));
}

inline HttpReply badJson()
{
    return apiError(400, protocol::error::BadJson,
                    QStringLiteral("The body must be a JSON object."));
}

inline HttpReply methodNotAllowed(const QByteArray &allow)
{
    HttpReply reply = apiError(405, protocol::error::MethodNotAllowed,
                               QStringLiteral("This route does not take that method."));
    reply.headers.append(qMakePair(QByteArrayLiteral("Allow"), allow));
    return reply;
}

} // namespace confab
