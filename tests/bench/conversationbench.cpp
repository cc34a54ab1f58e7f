// API v2 timings on an in-process hub over loopback (prints figures; issue 9's targets):
//   - GET /api/v2/conversations for a member in N conversations (target: < 20 ms for 500),
//   - a member stream resuming M missed events spread over K conversations (target: < 100 ms
//     for 10,000 over 50), measured from the request until the last event is parsed.
// The client runs in the hub's process and thread, so its work is in the figures too. It waits on
// an event loop that ends the moment the answer is complete (hubtestkit's helpers poll in 10 ms
// steps, which would swamp what is measured here). Every loop is bounded; all traffic is on
// 127.0.0.1.
//
//   bench_conversations [--conversations N] [--events M] [--spread K] [--resume-runs R] [--smoke]

#include "hubtestkit.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cstdio>

using namespace confab;
using namespace confab::test;

namespace {

int option(const QStringList &args, const char *name, int fallback)
{
    const qsizetype at = args.indexOf(QLatin1StringView(name));
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

constexpr int CallTimeoutMs = 30000;

// One request on a fresh connection, answered as soon as its Content-Length is in.
Response fastCall(quint16 port, const Session &session, const QByteArray &method,
                  const QByteArray &path, const QByteArray &body = {})
{
    Response response;
    QTcpSocket socket;
    QEventLoop loop;
    QByteArray buffer;
    QTimer::singleShot(CallTimeoutMs, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        socket.write(method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                     + QByteArray::number(port) + "\r\nAuthorization: Bearer " + session.token
                     + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                     + body);
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        buffer += socket.readAll();
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buffer.left(headEnd).toLower();
        response.status = buffer.mid(9, 3).toInt();
        const qsizetype at = head.indexOf("content-length:");
        const qint64 length = at < 0
            ? 0
            : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        if (buffer.size() - headEnd - 4 >= length) {
            response.body = buffer.mid(headEnd + 4, length);
            response.complete = true;
            loop.quit();
        }
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    return response;
}

// Waits, on an event loop, until the stream holds `count` events.
bool waitForStream(StreamReader &stream, size_t count)
{
    if (stream.events().size() >= count)
        return true;
    QEventLoop loop;
    QTimer::singleShot(CallTimeoutMs, &loop, &QEventLoop::quit);
    QObject::connect(&stream, &StreamReader::eventArrived, &loop, [&] {
        if (stream.events().size() >= count)
            loop.quit();
    });
    loop.exec();
    return stream.events().size() >= count;
}

QByteArray messagesPath(const QString &conversation)
{
    return "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation) + "/messages";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool smoke = args.contains(QLatin1StringView("--smoke"));
    const int conversations = option(args, "--conversations", smoke ? 20 : 500);
    const int events = option(args, "--events", smoke ? 200 : 10000);
    const int spread = std::min(option(args, "--spread", smoke ? 5 : 50), conversations);
    constexpr int Repeats = 20;
    // More runs make the resume dominate a profile (perf record) over the set-up.
    const int resumeRuns = std::clamp(option(args, "--resume-runs", 5), 1, 200);

    HubSettings settings;
    settings.messagesPerSecond = 0;
    settings.maxReplayEvents = events + 1; // the default window (1000) would answer `reset`
    HubFixture fixture(settings);
    if (!fixture.started()) {
        std::fprintf(stderr, "hub did not start: %s\n", qPrintable(fixture.error));
        return 1;
    }
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));

    // Ana creates the channels (lobby is one more); Bo joins the first `spread`.
    QStringList ids;
    for (int i = 0; i < conversations - 1; ++i) {
        const Response r = fastCall(port, ana, "POST", "/api/v2/channels",
                                    QByteArray(R"({"id":"c)") + QByteArray::number(i)
                                        + R"(","title":"Channel )" + QByteArray::number(i) + "\"}");
        if (r.status != 201) {
            std::fprintf(stderr, "channel %d: HTTP %d\n", i, r.status);
            return 1;
        }
        ids.append(QStringLiteral("c%1").arg(i));
    }
    ids.prepend(QStringLiteral("lobby"));
    for (int i = 1; i < spread; ++i)
        fastCall(port, bo, "PUT", "/api/v2/channels/" + ids[i].toUtf8() + "/members/me");

    // The missed events: Bo posts round-robin over `spread` conversations, with a mention now
    // and then, so the counts have something to count.
    const Response before = fastCall(port, ana, "GET", "/api/v2/conversations");
    qint64 resumeFrom = 0;
    for (const QJsonValue &value :
         before.json().value(QLatin1StringView("conversations")).toArray())
        resumeFrom
            = std::max(resumeFrom,
                       qint64(value.toObject().value(QLatin1StringView("lastEventId")).toDouble()));
    QElapsedTimer posting;
    posting.start();
    for (int i = 0; i < events; ++i) {
        const QString text = i % 10 == 0 ? QStringLiteral("@Ana look %1").arg(i)
                                         : QStringLiteral("message %1").arg(i);
        const QJsonObject body {{QStringLiteral("text"), text},
                                {QStringLiteral("clientId"), QStringLiteral("b%1").arg(i)}};
        const Response r = fastCall(port, bo, "POST", messagesPath(ids[i % spread]),
                                    QJsonDocument(body).toJson(QJsonDocument::Compact));
        if (r.status != 201) {
            std::fprintf(stderr, "post %d: HTTP %d\n", i, r.status);
            return 1;
        }
    }
    std::printf("setup: %d conversations, %d messages over %d of them posted in %.1f s\n",
                conversations, events, spread, posting.nsecsElapsed() / 1e9);

    // The floor: a request that does nothing.
    std::vector<double> floorMs;
    for (int i = 0; i < Repeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        fastCall(port, ana, "GET", "/healthz");
        floorMs.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::printf("GET /healthz (the floor: connect, request, answer): median %.2f ms\n",
                median(floorMs));

    std::vector<double> listMs;
    int listed = 0;
    int unread = 0;
    for (int i = 0; i < Repeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        const Response r = fastCall(port, ana, "GET", "/api/v2/conversations");
        listMs.push_back(timer.nsecsElapsed() / 1e6);
        const QJsonArray list = r.json().value(QLatin1StringView("conversations")).toArray();
        listed = int(list.size());
        unread = 0;
        for (const QJsonValue &value : list)
            unread += value.toObject().value(QLatin1StringView("unread")).toInt();
    }
    std::printf("GET /api/v2/conversations: %d conversations (unread %d in all), median %.2f ms, "
                "max %.2f ms over %d calls\n",
                listed, unread, median(listMs), *std::max_element(listMs.begin(), listMs.end()),
                Repeats);

    std::vector<double> resumeMs;
    size_t replayed = 0;
    for (int i = 0; i < resumeRuns; ++i) {
        StreamReader::Options options {ana.token, {}, QByteArray::number(resumeFrom)};
        options.path = "/api/v2/events";
        QElapsedTimer timer;
        timer.start();
        StreamReader stream(port, options);
        if (!waitForStream(stream, size_t(events))) {
            std::fprintf(stderr, "resume: only %zu of %d events\n", stream.events().size(), events);
            return 1;
        }
        resumeMs.push_back(timer.nsecsElapsed() / 1e6);
        replayed = stream.eventsOfType(QStringLiteral("message")).size();
    }
    std::printf("resume of %zu missed events over %d conversations: median %.1f ms, max %.1f ms "
                "(%d runs)\n",
                replayed, spread, median(resumeMs),
                *std::max_element(resumeMs.begin(), resumeMs.end()), resumeRuns);
    const bool complete = listed == conversations && replayed == size_t(events);
    return complete ? 0 : 1;
}
