#pragma once
// Request bodies in, answers out: the JSON half of every route, with restapi.h's types.

#include "apierrors.h"
#include "chat/outcome.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace confab {

inline std::optional<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

inline HttpReply jsonReply(int status, const QJsonObject &object)
{
    return HttpReply::json(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

inline HttpReply refusal(const ServiceError &error)
{
    HttpReply reply = apiError(error.status, error.code, error.message);
    if (error.retryAfterSeconds > 0)
        reply.headers.append(qMakePair(QByteArrayLiteral("Retry-After"),
                                       QByteArray::number(error.retryAfterSeconds)));
    return reply;
}

} // namespace confab
