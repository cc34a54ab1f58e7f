#pragma once
// A Confab hub: keeps one or more chat rooms and pushes every event to every member over
// Server-Sent Events (docs/protocol.md is the contract). Single-threaded: create it, start() it,
// and the event loop of its thread does the rest. `confab serve` runs one headless; the desktop
// window runs one in-process and joins it over loopback like any other client.

#include "hubsettings.h"
#include "restapi.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace confab {

class Hub : public QObject
{
    Q_OBJECT
public:
    explicit Hub(HubSettings settings, QObject *parent = nullptr);
    ~Hub() override;

    bool start(QString *errorMessage); // opens the store, binds, starts serving
    quint16 port() const; // the bound port (after start)
    void shutdown(const QString &reason); // `bye` to all, close streams and store

    // The same values GET /api/v1/rooms answers with.
    using RoomSummary = RoomInfo;
    QList<RoomSummary> roomSummaries() const;

    // Open connections of any kind (streams, idle keep-alive, requests in flight).
    int connectionCount() const;
    int subscriberCount() const;
    QString dataDirectory() const;
    // SHA-256 of the hub's certificate (64 hex digits); empty with TlsMode::Off. After start().
    QString tlsFingerprint() const;

signals:
    void roomsChanged(); // membership/online counts changed (beacon refresh)

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace confab
