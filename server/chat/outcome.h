#pragma once
// What a service answers: a value, or a refusal with the HTTP status and protocol::error code the
// routes send (docs/protocol.md, "Errors"). A refused call has stored and published nothing.

#include <QString>

#include <optional>

namespace confab {

struct ServiceError
{
    int status = 0;
    const char *code = nullptr; // one of protocol::error
    QString message;
    int retryAfterSeconds = 0; // > 0: sent as Retry-After
};

template<class T> struct Outcome
{
    Outcome(T result)
        : value(std::move(result))
    { }
    Outcome(ServiceError refusal)
        : error(std::move(refusal))
    { }
    bool ok() const { return value.has_value(); }

    std::optional<T> value;
    ServiceError error;
};

} // namespace confab
