// hubbench: fan-out benchmark for the Confab hub, with nginx + nchan as the reference.
//
// Starts the server in a child process (pinned to CPU 0 with taskset when available), opens N
// event-stream subscribers over real loopback sockets (non-blocking, one epoll loop, this process
// pinned to CPU 1), publishes at a set rate or as fast as possible, and prints deliveries per
// second, p50/p99 publish-to-receive latency and the server's RSS per subscriber.
//
// Every message carries "@T<send time in ns>#": a subscriber scans its bytes for that marker, so
// latency is measured on one clock (CLOCK_MONOTONIC of this process). All loops are bounded by
// --seconds and fixed deadlines; all traffic goes to 127.0.0.1.
//
//   hubbench --binary build/confab --subscribers 1000 --rate 200 --seconds 10
//   hubbench --binary build/confab --subscribers 1000 --rate 0 --seconds 10     (full speed)
//   hubbench --target nchan --subscribers 1000 --rate 200 --seconds 10
//   hubbench --binary build/confab --subscribers 10000 --hold                  (RSS only)
//
// TLS (issue 11): --tls on runs subscribers and publishers over TLS, with the hub's certificate
// pinned by the fingerprint on its start line; --tls both runs plain then TLS (--rounds times,
// alternating, a fresh hub each) and prints them side by side; --handshakes N opens N short TLS
// connections (handshake + GET /healthz, --concurrency at a time) and reports the rate.
//   hubbench --binary build/confab --tls both --rounds 2 --subscribers 1000 --rate 200
//   hubbench --binary build/confab --tls on --subscribers 10000 --hold
//   hubbench --binary build/confab --handshakes 3000

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sched.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int StartupTimeoutMs = 15000;
constexpr int SubscribeTimeoutMs = 60000;
constexpr int DrainAfterPublishMs = 3000;
constexpr int ConnectBatch = 200; // connections opened per loop turn (listen backlog 1024)
constexpr size_t MarkerCarryBytes = 40; // longest possible "@T<20 digits>#" split across reads
constexpr int EpollBatch = 1024;

struct Options
{
    std::string target = "confab";
    std::string binary;
    std::string nchanConf = CONFAB_BENCH_NCHAN_CONF;
    int subscribers = 1000;
    int rate = 200; // messages per second; 0 = as fast as possible
    int seconds = 10;
    int publishers = 4;
    int padding = 100; // extra bytes of text per message
    std::string perMessageFile; // one line per message: when it was sent, first and last arrival
    bool hold = false;
    bool pin = true;
    // API v2 mode: every subscriber is a member with its own member stream, in `perMember` of
    // `channels` channels and one DM; messages go round-robin over the channels.
    bool v2 = false;
    int channels = 200;
    int perMember = 20;
    // TLS (issue 11): "off", "on" or "both" (plain and TLS side by side, --rounds times).
    std::string tlsMode = "off";
    bool tls = false; // this run's subscribers and publishers use TLS
    int rounds = 1;
    int handshakes = 0; // > 0: the handshake-rate mode, this many connections
    int concurrency = 16; // handshakes in flight at a time
};

// One run's figures, for the side-by-side summary of --tls both.
struct Figures
{
    int subscribers = 0;
    double rssPerIdleKiB = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    long long deliveries = 0;
    long long expected = 0;
    double serverCpuUsPerDelivery = 0;
    double benchCpuUsPerDelivery = 0;
    double loadAverage = 0;
};

long long nowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long rssKiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atoll(line.c_str() + 6);
    }
    return -1;
}

// CPU time (user + system) this process has used, in seconds.
double ownCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU time (user + system) the process has used, in seconds.
double cpuSeconds(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')'); // the command name may contain spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14)
            utime = std::atoll(field.c_str());
        if (index == 15) {
            stime = std::atoll(field.c_str());
            break;
        }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double loadAverage()
{
    std::ifstream load("/proc/loadavg");
    double value = 0;
    load >> value;
    return value;
}

void pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof(set), &set);
}

void raiseFdLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int connectLoopback(int port, bool blocking)
{
    const int fd = socket(AF_INET, SOCK_STREAM | (blocking ? 0 : SOCK_NONBLOCK), 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
        && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address));
    socklen_t size = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr *>(&address), &size);
    close(fd);
    return ntohs(address.sin_port);
}

bool sendAll(int fd, const std::string &bytes)
{
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue; // publisher requests are small; the kernel buffer frees at once
        if (n <= 0)
            return false;
        sent += size_t(n);
    }
    return true;
}

// One blocking request/answer (set-up only): returns the body, empty on failure.
std::string blockingRequest(int port, const std::string &request)
{
    const int fd = connectLoopback(port, true);
    if (fd < 0 || !sendAll(fd, request))
        return {};
    std::string answer;
    char buffer[4096];
    const long long deadline = nowNs() + 5000000000LL;
    while (nowNs() < deadline) {
        const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0)
            break;
        answer.append(buffer, size_t(n));
        const size_t head = answer.find("\r\n\r\n");
        const size_t lengthAt = answer.find("Content-Length: ");
        if (head != std::string::npos && lengthAt != std::string::npos
            && answer.size() >= head + 4 + size_t(std::atol(answer.c_str() + lengthAt + 16)))
            break;
    }
    close(fd);
    const size_t head = answer.find("\r\n\r\n");
    return head == std::string::npos ? std::string() : answer.substr(head + 4);
}

struct Server
{
    pid_t pid = -1;
    int port = 0;
    std::string dir;
    std::string fingerprint; // the hub's certificate, SHA-256 hex, from its start line
};

bool haveTaskset()
{
    return access("/usr/bin/taskset", X_OK) == 0;
}

Server startConfab(const Options &options)
{
    Server server;
    char dirTemplate[] = "/tmp/hubbench-XXXXXX";
    server.dir = mkdtemp(dirTemplate);
    int out[2];
    if (pipe(out) != 0)
        return server;
    server.pid = fork();
    if (server.pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        const std::string connections
            = std::to_string(options.subscribers + options.publishers + 100);
        std::vector<std::string> args;
        if (options.pin && haveTaskset())
            args = {"/usr/bin/taskset", "-c", "0"};
        const std::vector<std::string> serve = {options.binary,
                                                "serve",
                                                "--bind",
                                                "127.0.0.1",
                                                "--port",
                                                "0",
                                                "--no-announce",
                                                "--data-dir",
                                                server.dir,
                                                "--max-rate",
                                                "0",
                                                "--max-connections",
                                                connections,
                                                "--heartbeat-ms",
                                                "60000",
                                                "--slow-cap-bytes",
                                                "8388608"};
        args.insert(args.end(), serve.begin(), serve.end());
        std::vector<char *> argv;
        for (std::string &arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        setenv("QT_LOGGING_RULES", "confab.*.info=false;confab.*.debug=false", 1);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    std::string line;
    const long long deadline = nowNs() + StartupTimeoutMs * 1000000LL;
    char c = 0;
    while (nowNs() < deadline && read(out[0], &c, 1) == 1 && c != '\n')
        line += c;
    const size_t colon = line.rfind(':');
    if (line.rfind("listening on http://", 0) == 0 && colon != std::string::npos)
        server.port = std::atoi(line.c_str() + colon + 1);
    // With TLS on, the next line is "tls https://... fingerprint HEX64" (app/servecommand.cpp).
    std::string tlsLine;
    while (server.port > 0 && nowNs() < deadline && read(out[0], &c, 1) == 1 && c != '\n')
        tlsLine += c;
    const std::string fingerprintKey = "fingerprint ";
    const size_t fingerprintAt = tlsLine.find(fingerprintKey);
    if (tlsLine.rfind("tls ", 0) == 0 && fingerprintAt != std::string::npos)
        server.fingerprint = tlsLine.substr(fingerprintAt + fingerprintKey.size(), 64);
    close(out[0]);
    return server;
}

Server startNchan(const Options &options)
{
    Server server;
    char dirTemplate[] = "/tmp/hubbench-nchan-XXXXXX";
    server.dir = mkdtemp(dirTemplate);
    server.port = freePort();
    std::ifstream in(options.nchanConf);
    std::stringstream text;
    text << in.rdbuf();
    std::string conf = text.str();
    for (const auto &[key, value] :
         {std::pair<std::string, std::string> {"@PORT@", std::to_string(server.port)},
          {"@PREFIX@", server.dir}}) {
        for (size_t at = conf.find(key); at != std::string::npos; at = conf.find(key))
            conf.replace(at, key.size(), value);
    }
    std::ofstream(server.dir + "/nchan.conf") << conf;
    server.pid = fork();
    if (server.pid == 0) {
        std::vector<std::string> args;
        if (options.pin && haveTaskset())
            args = {"/usr/bin/taskset", "-c", "0"};
        const std::vector<std::string> nginx
            = {"/usr/sbin/nginx", "-p", server.dir, "-c", server.dir + "/nchan.conf"};
        args.insert(args.end(), nginx.begin(), nginx.end());
        std::vector<char *> argv;
        for (std::string &arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    // Wait until it accepts connections.
    const long long deadline = nowNs() + StartupTimeoutMs * 1000000LL;
    while (nowNs() < deadline) {
        const int fd = connectLoopback(server.port, true);
        if (fd >= 0) {
            close(fd);
            return server;
        }
        usleep(50000);
    }
    server.port = 0;
    return server;
}

void stopServer(Server &server, bool hard)
{
    if (server.pid <= 0)
        return;
    // nginx with master_process off can crash on its way out; we have our figures by then.
    kill(server.pid, hard ? SIGKILL : SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (waitpid(server.pid, nullptr, WNOHANG) == server.pid) {
            server.pid = -1;
            break;
        }
        usleep(50000);
    }
    if (server.pid > 0) {
        kill(server.pid, SIGKILL);
        waitpid(server.pid, nullptr, 0);
    }
    const std::string command = "rm -rf '" + server.dir + "'";
    [[maybe_unused]] const int ignored = system(command.c_str());
}

enum class Kind { Subscriber, Publisher };

struct Connection
{
    Kind kind = Kind::Subscriber;
    int fd = -1;
    bool headSeen = false;
    bool busy = false; // publisher: a request is outstanding
    std::string buffer;
    std::vector<bool> inChannel; // --v2: the channels this subscriber's member is in
    // --tls: the connection's TLS state (see TlsClient); the fd is non-blocking from the start.
    SSL *ssl = nullptr;
    bool tlsReady = false; // handshake done and the hub's certificate matched the pin
    std::string tlsOut; // bytes waiting to be encrypted and sent
};

// When the first and the last subscriber got one message (--per-message).
struct MessageSpread
{
    long long first = 0;
    long long last = 0;
    int count = 0;
};

struct Results
{
    std::unique_ptr<std::map<long long, MessageSpread>> perMessage; // by send time
    long long published = 0;
    long long deliveries = 0;
    long long firstPublishNs = 0;
    long long lastDeliveryNs = 0;
    std::vector<int> latencyUs;
    long long misdelivered = 0; // --v2: a message of a channel the subscriber is not in
};

// Scans received bytes for "@T<ns>#" markers; keeps an unfinished marker for the next read.
// Scans the read buffer in place unless a marker was split by the previous read: at 200,000
// deliveries a second, copying every read into a string was a visible part of the benchmark's
// own core, and a busy benchmark reads late, which would count as latency.
void scanMarkers(Connection &connection, const char *data, size_t size, long long now,
                 Results &results)
{
    std::string &carry = connection.buffer;
    if (!carry.empty())
        carry.append(data, size);
    const std::string_view bytes = carry.empty() ? std::string_view(data, size) : carry;
    size_t consumed = 0;
    for (size_t at = bytes.find("@T"); at != std::string_view::npos;
         at = bytes.find("@T", at + 2)) {
        const size_t end = bytes.find('#', at);
        if (end == std::string_view::npos)
            break;
        long long sent = 0;
        std::from_chars(bytes.data() + at + 2, bytes.data() + end, sent);
        // --v2 messages carry "@T<ns>#C<channel>#": was this subscriber's member in it?
        if (!connection.inChannel.empty() && end + 1 < bytes.size() && bytes[end + 1] == 'C') {
            const size_t close = bytes.find('#', end + 1);
            if (close == std::string_view::npos)
                break;
            int channel = -1;
            std::from_chars(bytes.data() + end + 2, bytes.data() + close, channel);
            if (channel < 0 || size_t(channel) >= connection.inChannel.size()
                || !connection.inChannel[size_t(channel)])
                ++results.misdelivered;
        }
        ++results.deliveries;
        results.lastDeliveryNs = now;
        results.latencyUs.push_back(int((now - sent) / 1000));
        if (results.perMessage) {
            MessageSpread &spread = (*results.perMessage)[sent];
            spread.first = spread.count++ == 0 ? now : std::min(spread.first, now);
            spread.last = std::max(spread.last, now);
        }
        consumed = end + 1;
    }
    // Only a marker cut off at the end can continue in the next read; messages carry no other '@'.
    const size_t partial = bytes.find('@', consumed);
    std::string rest = partial == std::string_view::npos
        ? std::string()
        : std::string(bytes.substr(
            std::max(partial, bytes.size() - std::min(bytes.size(), MarkerCarryBytes))));
    carry = std::move(rest);
}

std::string publishRequest(const Options &options, const std::string &token, int port,
                           long long sequence)
{
    if (options.v2) {
        const long long channel = sequence % options.channels;
        const std::string text = "@T" + std::to_string(nowNs()) + "#C" + std::to_string(channel)
            + "#" + std::string(size_t(options.padding), 'x') + std::to_string(sequence);
        const std::string body = "{\"text\":\"" + text + "\"}";
        return "POST /api/v2/conversations/ch" + std::to_string(channel)
            + "/messages HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
            + "\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n\r\n" + body;
    }
    const std::string text = "@T" + std::to_string(nowNs()) + "#"
        + std::string(size_t(options.padding), 'x') + std::to_string(sequence);
    if (options.target == "nchan") {
        return "POST /pub HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
            + "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(text.size())
            + "\r\n\r\n" + text;
    }
    const std::string body = "{\"text\":\"" + text + "\"}";
    return "POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
        + "\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
        + "\r\n\r\n" + body;
}

// Publisher answers: complete when the head and Content-Length body (or final chunk) are in.
bool takeAnswer(std::string &buffer)
{
    const size_t head = buffer.find("\r\n\r\n");
    if (head == std::string::npos)
        return false;
    size_t end = head + 4;
    const size_t lengthAt = buffer.find("Content-Length: ");
    if (lengthAt != std::string::npos && lengthAt < head) {
        end += size_t(std::atol(buffer.c_str() + lengthAt + 16));
    } else if (buffer.find("chunked") < head) {
        const size_t last = buffer.find("0\r\n\r\n", head + 4);
        if (last == std::string::npos)
            return false;
        end = last + 5;
    }
    if (buffer.size() < end)
        return false;
    buffer.erase(0, end);
    return true;
}

// Columns: ms since the first publish, ms to the first subscriber, ms to the last, subscribers.
void writePerMessage(const std::string &path, const std::map<long long, MessageSpread> &spreads,
                     long long start)
{
    FILE *file = std::fopen(path.c_str(), "w");
    if (!file) {
        std::fprintf(stderr, "hubbench: cannot write %s\n", path.c_str());
        return;
    }
    std::fprintf(file, "# sent_ms first_ms last_ms subscribers\n");
    for (const auto &[sent, spread] : spreads)
        std::fprintf(file, "%.3f %.3f %.3f %d\n", double(sent - start) / 1e6,
                     double(spread.first - sent) / 1e6, double(spread.last - sent) / 1e6,
                     spread.count);
    std::fclose(file);
}

int percentile(std::vector<int> &values, double p)
{
    if (values.empty())
        return -1;
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size())));
    std::nth_element(values.begin(), values.begin() + long(index), values.end());
    return values[index];
}

// A keep-alive connection for the --v2 set-up's many small requests (tens of thousands: one
// connection each would run out of ephemeral ports in TIME_WAIT).
class SetupClient
{
public:
    explicit SetupClient(int port)
        : m_port(port)
        , m_fd(connectLoopback(port, true))
    { }
    ~SetupClient()
    {
        if (m_fd >= 0)
            close(m_fd);
    }
    // Returns the status; the body in *body.
    int request(const std::string &method, const std::string &path, const std::string &token,
                const std::string &body, std::string *answerBody = nullptr)
    {
        std::string request = method + " " + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(m_port) + "\r\n";
        if (!token.empty())
            request += "Authorization: Bearer " + token + "\r\n";
        request += "Content-Type: application/json\r\nContent-Length: "
            + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (m_fd < 0 || !sendAll(m_fd, request))
            return 0;
        std::string answer;
        char buffer[8192];
        const long long deadline = nowNs() + 10000000000LL;
        for (;;) {
            const size_t head = answer.find("\r\n\r\n");
            if (head != std::string::npos) {
                const size_t lengthAt = answer.find("Content-Length: ");
                const size_t length = lengthAt != std::string::npos && lengthAt < head
                    ? size_t(std::atol(answer.c_str() + lengthAt + 16))
                    : 0;
                if (answer.size() >= head + 4 + length) {
                    if (answerBody)
                        *answerBody = answer.substr(head + 4, length);
                    return answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
                }
            }
            if (nowNs() > deadline)
                return 0;
            const ssize_t n = recv(m_fd, buffer, sizeof(buffer), 0);
            if (n <= 0)
                return 0;
            answer.append(buffer, size_t(n));
        }
    }

private:
    int m_port;
    int m_fd;
};

std::string jsonString(const std::string &body, const std::string &key)
{
    const std::string needle = "\"" + key + "\":\"";
    const size_t at = body.find(needle);
    if (at == std::string::npos)
        return {};
    const size_t start = at + needle.size();
    return body.substr(start, body.find('"', start) - start);
}

struct V2Setup
{
    std::string publisherToken; // a member in every channel, without a stream
    std::vector<std::string> tokens; // one member per subscriber
    std::vector<std::vector<bool>> inChannel;
    std::vector<long long> membersOf; // subscribed members per channel
};

// --v2: an owner creates the channels; subscriber i's member joins channels (7i + 10j) mod C,
// j < perMember (all distinct; since 7 is invertible mod 200, each channel gets the same number
// of members), and opens a DM with member i+1. Members also are in lobby (every new member is).
bool setUpV2(const Options &options, int port, V2Setup *setup)
{
    SetupClient client(port);
    const long long start = nowNs();
    std::string answer;
    if (client.request("POST", "/api/v2/session", {}, "{\"name\":\"owner\"}", &answer) != 201)
        return false;
    setup->publisherToken = jsonString(answer, "token");
    for (int c = 0; c < options.channels; ++c) {
        const std::string body = "{\"id\":\"ch" + std::to_string(c) + "\",\"title\":\"Channel "
            + std::to_string(c) + "\"}";
        if (client.request("POST", "/api/v2/channels", setup->publisherToken, body) != 201)
            return false;
    }
    std::vector<std::string> memberIds;
    for (int i = 0; i < options.subscribers; ++i) {
        const std::string body = "{\"name\":\"m" + std::to_string(i) + "\"}";
        if (client.request("POST", "/api/v2/session", {}, body, &answer) != 201)
            return false;
        setup->tokens.push_back(jsonString(answer, "token"));
        const size_t memberAt = answer.find("\"member\"");
        memberIds.push_back(jsonString(answer.substr(memberAt), "id"));
    }
    setup->inChannel.assign(size_t(options.subscribers),
                            std::vector<bool>(size_t(options.channels), false));
    for (int i = 0; i < options.subscribers; ++i) {
        for (int j = 0; j < options.perMember; ++j) {
            const int c = (7 * i + 10 * j) % options.channels;
            if (setup->inChannel[size_t(i)][size_t(c)])
                continue;
            setup->inChannel[size_t(i)][size_t(c)] = true;
            if (client.request("PUT", "/api/v2/channels/ch" + std::to_string(c) + "/members/me",
                               setup->tokens[size_t(i)], {})
                != 200)
                return false;
        }
        const std::string other = memberIds[size_t((i + 1) % options.subscribers)];
        if (options.subscribers > 1
            && client.request("POST", "/api/v2/dms", setup->tokens[size_t(i)],
                              "{\"member\":\"" + other + "\"}")
                    / 100
                != 2)
            return false;
    }
    setup->membersOf.assign(size_t(options.channels), 0);
    long long total = 0;
    for (const auto &channels : setup->inChannel) {
        for (size_t c = 0; c < channels.size(); ++c) {
            setup->membersOf[c] += channels[c] ? 1 : 0;
            total += channels[c] ? 1 : 0;
        }
    }
    std::printf("v2 setup: %d members, %d channels, %lld memberships (%lld to %lld per channel), "
                "%d DMs, in %.1f s\n",
                options.subscribers, options.channels, total,
                *std::min_element(setup->membersOf.begin(), setup->membersOf.end()),
                *std::max_element(setup->membersOf.begin(), setup->membersOf.end()),
                options.subscribers, double(nowNs() - start) / 1e9);
    return true;
}

// ---- TLS mode (issue 11) -------------------------------------------------------------------
// OpenSSL's non-blocking API inside the same epoll loop as the plain sockets. The hub's
// certificate is self-signed: it is accepted only when its SHA-256 (DER) is the fingerprint the
// hub printed, as every Confab client pins it (no chain verification, no other trust).

constexpr int TlsHandshakesInFlight = 200; // subscribers opened ahead of finished handshakes
// A full handshake costs the hub about 1 ms of CPU (and the benchmark about as much): 10,000 TLS
// subscribers on a busy shared machine need minutes, not the plain subscribers' seconds.
constexpr int TlsSubscribeTimeoutMs = 600000;
constexpr int HandshakeRunTimeoutMs = 120000;

class TlsClient
{
public:
    explicit TlsClient(std::string fingerprint)
        : m_fingerprint(std::move(fingerprint))
        , m_context(SSL_CTX_new(TLS_client_method()))
    {
        SSL_CTX_set_min_proto_version(m_context, TLS1_2_VERSION);
        SSL_CTX_set_verify(m_context, SSL_VERIFY_NONE, nullptr); // the pin is checked instead
        // No resumption: every handshake is a full one, as a new client's is.
        SSL_CTX_set_session_cache_mode(m_context, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(m_context, SSL_OP_NO_TICKET);
        // The benchmark's own 10,000 idle connections: no 34 KiB of buffers each while idle.
        SSL_CTX_set_mode(m_context,
                         SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE
                             | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        // One read() for everything queued, not two per record (its header, then its body) plus
        // the final EAGAIN (strace, 200 subscribers x 20 msg/s: 3.0 reads per record without,
        // 1.8 with). The benchmark's own CPU should not count as the hub's latency.
        SSL_CTX_set_read_ahead(m_context, 1);
    }
    ~TlsClient() { SSL_CTX_free(m_context); }
    TlsClient(const TlsClient &) = delete;
    TlsClient &operator=(const TlsClient &) = delete;

    bool valid() const { return m_context && m_fingerprint.size() == 64; }
    long long pinFailures() const { return m_pinFailures; }

    // Starts the handshake on a non-blocking, connecting socket; `request` goes out after it.
    void open(Connection &connection, const std::string &request) const
    {
        connection.ssl = SSL_new(m_context);
        SSL_set_fd(connection.ssl, connection.fd);
        SSL_set_connect_state(connection.ssl);
        connection.tlsReady = false;
        connection.tlsOut = request;
    }
    static void close(Connection &connection)
    {
        SSL_free(connection.ssl);
        connection.ssl = nullptr;
        connection.tlsReady = false;
    }

    // Drives the handshake, sends what is queued and hands every decrypted byte to onBytes
    // (data, size). Reads until OpenSSL wants more from the socket: with edge-triggered epoll,
    // bytes left in OpenSSL's buffer would raise no new report. False: failed or closed.
    template<typename OnBytes>
    bool pump(Connection &connection, char *buffer, size_t size, OnBytes &&onBytes)
    {
        ERR_clear_error();
        if (!connection.tlsReady) {
            const int done = SSL_connect(connection.ssl);
            if (done != 1)
                return wouldBlock(connection.ssl, done);
            if (!pinMatches(connection.ssl)) {
                ++m_pinFailures;
                return false;
            }
            connection.tlsReady = true;
        }
        while (!connection.tlsOut.empty()) {
            const int n = SSL_write(connection.ssl, connection.tlsOut.data(),
                                    int(connection.tlsOut.size()));
            if (n <= 0) {
                if (!wouldBlock(connection.ssl, n))
                    return false;
                break;
            }
            connection.tlsOut.erase(0, size_t(n));
        }
        for (;;) {
            const int n = SSL_read(connection.ssl, buffer, int(size));
            if (n <= 0)
                return wouldBlock(connection.ssl, n);
            onBytes(static_cast<const char *>(buffer), size_t(n));
        }
    }

private:
    static bool wouldBlock(SSL *ssl, int result)
    {
        const int error = SSL_get_error(ssl, result);
        return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
    }
    bool pinMatches(SSL *ssl) const
    {
        X509 *certificate = SSL_get1_peer_certificate(ssl);
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        const bool hashed
            = certificate && X509_digest(certificate, EVP_sha256(), digest, &length) == 1;
        X509_free(certificate);
        if (!hashed)
            return false;
        std::string hex;
        char two[3];
        for (unsigned int i = 0; i < length; ++i) {
            std::snprintf(two, sizeof(two), "%02x", digest[i]);
            hex += two;
        }
        return strcasecmp(hex.c_str(), m_fingerprint.c_str()) == 0;
    }

    std::string m_fingerprint;
    SSL_CTX *m_context;
    long long m_pinFailures = 0;
};

void warnIfFewDescriptors(int needed)
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < rlim_t(needed))
        std::fprintf(stderr,
                     "hubbench: only %llu file descriptors allowed (ulimit -n), %d needed: raise "
                     "the hard limit\n",
                     static_cast<unsigned long long>(limit.rlim_cur), needed);
}

// --handshakes N: N short connections, `concurrency` at a time, each a full TLS handshake with
// the pin checked, then GET /healthz and its whole answer. The hub runs pinned to one core; its
// CPU seconds for the run give handshakes per second of one core, which the load on a shared
// machine does not change as much as the wall-clock rate.
int runHandshakes(const Options &options)
{
    raiseFdLimit();
    signal(SIGPIPE, SIG_IGN);
    Server server = startConfab(options);
    if (server.port == 0 || server.fingerprint.empty()) {
        std::fprintf(stderr, "hubbench: the hub did not start with TLS on\n");
        stopServer(server, false);
        return 1;
    }
    if (options.pin)
        pinTo(1);
    usleep(300000);
    TlsClient tls(server.fingerprint);
    const std::string request
        = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const int epoll = epoll_create1(0);
    std::vector<Connection> slots(size_t(options.concurrency));
    std::vector<epoll_event> events(EpollBatch);
    char readBuffer[16384];
    long long started = 0, completed = 0, failed = 0;
    const auto openSlot = [&](size_t index) {
        Connection &connection = slots[index];
        connection = Connection();
        connection.fd = connectLoopback(server.port, false);
        if (connection.fd < 0) {
            ++failed;
            return;
        }
        ++started;
        tls.open(connection, request);
        epoll_event event {};
        event.events = EPOLLIN | EPOLLOUT | EPOLLET;
        event.data.u32 = uint32_t(index);
        epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fd, &event);
    };
    const auto closeSlot = [&](size_t index) {
        Connection &connection = slots[index];
        TlsClient::close(connection);
        ::close(connection.fd);
        connection.fd = -1;
    };
    const double cpuBefore = cpuSeconds(server.pid);
    const long long start = nowNs();
    for (size_t i = 0; i < slots.size() && started < options.handshakes; ++i)
        openSlot(i);
    while (completed + failed < options.handshakes
           && nowNs() - start < HandshakeRunTimeoutMs * 1000000LL) {
        const int ready = epoll_wait(epoll, events.data(), EpollBatch, 100);
        for (int i = 0; i < ready; ++i) {
            const size_t index = events[size_t(i)].data.u32;
            Connection &connection = slots[index];
            if (connection.fd < 0)
                continue;
            const bool alive = tls.pump(
                connection, readBuffer, sizeof(readBuffer),
                [&](const char *data, size_t size) { connection.buffer.append(data, size); });
            const bool answered = takeAnswer(connection.buffer)
                || (!alive && connection.buffer.rfind("HTTP/1.1 200", 0) == 0);
            if (!answered && alive)
                continue;
            ++(answered ? completed : failed);
            closeSlot(index);
            if (started < options.handshakes)
                openSlot(index);
        }
    }
    const double seconds = double(nowNs() - start) / 1e9;
    const double hubCpu = std::max(1e-6, cpuSeconds(server.pid) - cpuBefore);
    for (size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].fd >= 0)
            closeSlot(i);
    }
    ::close(epoll);
    std::printf("handshakes=%lld/%d failed=%lld pin_failures=%lld concurrency=%d in %.2fs: "
                "%.0f handshakes/s, hub cpu %.2fs = %.0f handshakes per hub CPU second "
                "(one core), loadavg=%.1f\n",
                completed, options.handshakes, failed, tls.pinFailures(), options.concurrency,
                seconds, double(completed) / seconds, hubCpu, double(completed) / hubCpu,
                loadAverage());
    stopServer(server, false);
    return completed == options.handshakes ? 0 : 1;
}

void printSideBySide(const std::vector<std::pair<Figures, Figures>> &rounds)
{
    std::printf("\nplain and TLS side by side (one row per round, a fresh hub each):\n");
    std::printf("| round | subscribers | RSS/idle sub plain / TLS | delivered plain / TLS | "
                "p50 plain / TLS | p99 plain / TLS | TLS p99 / plain p99 | hub CPU per delivery "
                "plain / TLS | hubbench CPU per delivery plain / TLS | loadavg |\n");
    int index = 0;
    for (const auto &[plain, tls] : rounds) {
        std::printf("| %d | %d | %.1f / %.1f KiB | %lld/%lld / %lld/%lld | %.2f / %.2f ms | "
                    "%.2f / %.2f ms | %.2f | %.2f / %.2f us | %.2f / %.2f us | %.1f-%.1f |\n",
                    ++index, plain.subscribers, plain.rssPerIdleKiB, tls.rssPerIdleKiB,
                    plain.deliveries, plain.expected, tls.deliveries, tls.expected, plain.p50Ms,
                    tls.p50Ms, plain.p99Ms, tls.p99Ms,
                    plain.p99Ms > 0 ? tls.p99Ms / plain.p99Ms : 0, plain.serverCpuUsPerDelivery,
                    tls.serverCpuUsPerDelivery, plain.benchCpuUsPerDelivery,
                    tls.benchCpuUsPerDelivery, std::min(plain.loadAverage, tls.loadAverage),
                    std::max(plain.loadAverage, tls.loadAverage));
    }
}
// ---- end of the TLS mode -------------------------------------------------------------------

int run(const Options &options, Figures *figures = nullptr)
{
    raiseFdLimit();
    signal(SIGPIPE, SIG_IGN);
    Server server = options.target == "nchan" ? startNchan(options) : startConfab(options);
    if (server.port == 0) {
        std::fprintf(stderr, "hubbench: the %s server did not start\n", options.target.c_str());
        stopServer(server, options.target == "nchan");
        return 1;
    }
    std::unique_ptr<TlsClient> tls;
    if (options.tls) {
        tls = std::make_unique<TlsClient>(server.fingerprint);
        if (!tls->valid()) {
            std::fprintf(stderr, "hubbench: the hub printed no TLS fingerprint\n");
            stopServer(server, false);
            return 1;
        }
        warnIfFewDescriptors(options.subscribers + options.publishers + 100);
    }
    if (options.pin)
        pinTo(1);
    usleep(300000);
    const long long rssBaseline = rssKiB(server.pid);

    std::string token;
    V2Setup v2;
    if (options.v2) {
        if (!setUpV2(options, server.port, &v2)) {
            std::fprintf(stderr, "hubbench: the v2 set-up failed\n");
            stopServer(server, false);
            return 1;
        }
        token = v2.publisherToken;
    } else if (options.target == "confab") {
        const std::string body = "{\"name\":\"bench\"}";
        const std::string answer = blockingRequest(
            server.port,
            "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port)
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + std::to_string(body.size()) + "\r\n\r\n" + body);
        const size_t at = answer.find("\"token\":\"");
        if (at == std::string::npos) {
            std::fprintf(stderr, "hubbench: sign-in failed: %s\n", answer.c_str());
            stopServer(server, options.target == "nchan");
            return 1;
        }
        token = answer.substr(at + 9, answer.find('"', at + 9) - at - 9);
    }
    const std::string subscribeRequest = options.target == "nchan"
        ? "GET /sub HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        : "GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token + "\r\nAccept: text/event-stream\r\n\r\n";

    const int epoll = epoll_create1(0);
    std::vector<Connection> connections(size_t(options.subscribers + options.publishers));
    Results results;
    if (!options.perMessageFile.empty())
        results.perMessage = std::make_unique<std::map<long long, MessageSpread>>();
    results.latencyUs.reserve(size_t(options.subscribers) * size_t(std::max(1, options.rate))
                              * size_t(options.seconds));
    int heads = 0;
    std::vector<epoll_event> events(EpollBatch);
    char readBuffer[65536];

    // One recv() per readiness report unless it filled the buffer: a TCP recv() that returns
    // less than asked has emptied the receive queue, so with edge-triggered epoll the next bytes
    // raise a new report. A second recv() that only says EAGAIN, or level-triggered epoll
    // polling every reported socket once more, would add to the benchmark's own load (a busy
    // benchmark reads late, and that shows up as latency).
    // What a connection received (plain or decrypted), at `now`.
    const auto consume = [&](Connection &connection, const char *data, size_t n, long long now) {
        if (connection.kind == Kind::Publisher) {
            connection.buffer.append(data, n);
            while (takeAnswer(connection.buffer))
                connection.busy = false;
            return;
        }
        size_t offset = 0;
        if (!connection.headSeen) {
            connection.buffer.append(data, n);
            const size_t head = connection.buffer.find("\r\n\r\n");
            if (head == std::string::npos)
                return;
            connection.headSeen = true;
            ++heads;
            connection.buffer.clear();
            offset = n; // nothing of interest comes with the head
        }
        scanMarkers(connection, data + offset, n - offset, now, results);
    };
    const auto handleReadable = [&](Connection &connection) {
        if (connection.ssl) {
            // The time the first record of this readiness report was decrypted stands for all of
            // them: they were waiting together (read-ahead reads them at once), and a clock read
            // per record was 6.5 % of the benchmark's own CPU (perf).
            long long now = 0;
            if (!tls->pump(connection, readBuffer, sizeof(readBuffer),
                           [&](const char *data, size_t n) {
                               if (now == 0)
                                   now = nowNs();
                               consume(connection, data, n, now);
                           })) {
                // Failed (a pin mismatch included) or closed by the hub: counted as missing.
                TlsClient::close(connection);
                close(connection.fd);
                connection.fd = -1;
            }
            return;
        }
        for (;;) {
            const ssize_t n = recv(connection.fd, readBuffer, sizeof(readBuffer), 0);
            if (n <= 0)
                return;
            const long long now = nowNs(); // per read: a batch of 1000 sockets takes a while
            consume(connection, readBuffer, size_t(n), now);
            if (size_t(n) < sizeof(readBuffer)) // drained
                return;
        }
    };
    // --tls: a connection whose handshake is under way (subscribers opened ahead of them are
    // bounded, so that the hub's handshake deadline measures the hub, not our queue).
    const auto tlsPending = [&] {
        int pending = 0;
        for (const Connection &connection : connections)
            pending += connection.ssl && !connection.tlsReady ? 1 : 0;
        return pending;
    };
    // Opens a connection (over TLS with --tls) and sends `request` on it.
    const auto openConnection
        = [&](Connection &connection, uint32_t index, const std::string &request) {
              connection.fd = connectLoopback(server.port, !tls);
              if (connection.fd < 0)
                  return false;
              epoll_event event {};
              event.events = EPOLLIN | EPOLLET;
              event.data.u32 = index;
              if (tls) {
                  tls->open(connection, request);
                  event.events |= EPOLLOUT; // the connect finishing, a full send buffer draining
              } else {
                  if (!request.empty())
                      sendAll(connection.fd, request);
                  fcntl(connection.fd, F_SETFL, fcntl(connection.fd, F_GETFL) | O_NONBLOCK);
              }
              epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fd, &event);
              if (tls)
                  handleReadable(connection);
              return true;
          };
    const auto poll = [&](int timeoutMs) {
        const int ready = epoll_wait(epoll, events.data(), EpollBatch, timeoutMs);
        for (int i = 0; i < ready; ++i)
            handleReadable(connections[size_t(events[size_t(i)].data.u32)]);
    };

    // Subscribe, a batch per turn.
    const long long subscribeStart = nowNs();
    int opened = 0;
    const long long subscribeTimeoutNs
        = (tls ? TlsSubscribeTimeoutMs : SubscribeTimeoutMs) * 1000000LL;
    while (heads < options.subscribers && !(tls && tls->pinFailures() > 0)
           && nowNs() - subscribeStart < subscribeTimeoutNs) {
        const int batch
            = tls ? std::min(ConnectBatch, TlsHandshakesInFlight - tlsPending()) : ConnectBatch;
        for (int i = 0; i < batch && opened < options.subscribers; ++i, ++opened) {
            Connection &connection = connections[size_t(opened)];
            if (options.v2)
                connection.inChannel = v2.inChannel[size_t(opened)];
            const std::string request = options.v2
                ? "GET /api/v2/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + v2.tokens[size_t(opened)] + "\r\nAccept: text/event-stream\r\n\r\n"
                : subscribeRequest;
            if (!openConnection(connection, uint32_t(opened), request)) {
                std::fprintf(stderr, "hubbench: connect failed after %d: %s\n", opened,
                             std::strerror(errno));
                break;
            }
        }
        poll(10);
    }
    const double subscribeSeconds = double(nowNs() - subscribeStart) / 1e9;
    usleep(1000000);
    poll(0);
    const long long rssIdle = rssKiB(server.pid);
    std::printf(
        "target=%s%s subscribers=%d/%d subscribe_time=%.2fs rss_baseline=%lldKiB rss_idle=%lldKiB "
        "rss_per_idle_subscriber=%.2fKiB\n",
        options.target.c_str(), tls ? " over TLS" : "", heads, options.subscribers,
        subscribeSeconds, rssBaseline, rssIdle,
        heads > 0 ? double(rssIdle - rssBaseline) / heads : 0.0);
    if (tls && !connections.empty() && connections.front().ssl)
        std::printf("TLS: %s %s\n", SSL_get_version(connections.front().ssl),
                    SSL_get_cipher_name(connections.front().ssl));
    if (tls && tls->pinFailures() > 0)
        std::printf("TLS: %lld connections refused, the hub's certificate did not match the pin\n",
                    tls->pinFailures());
    if (figures) {
        figures->subscribers = heads;
        figures->rssPerIdleKiB = heads > 0 ? double(rssIdle - rssBaseline) / heads : 0.0;
    }
    std::fflush(stdout);

    bool v2Exact = true;
    if (!options.hold) {
        for (int p = 0; p < options.publishers; ++p) {
            const size_t index = size_t(options.subscribers + p);
            Connection &connection = connections[index];
            connection.kind = Kind::Publisher;
            openConnection(connection, uint32_t(index), {});
        }
        // --tls: publishers start once their handshakes are done.
        const long long handshakeDeadline = nowNs() + StartupTimeoutMs * 1000000LL;
        while (tls && tlsPending() > 0 && nowNs() < handshakeDeadline)
            poll(10);
        const double cpuBefore = cpuSeconds(server.pid);
        const double ownCpuBefore = ownCpuSeconds();
        const long long start = nowNs();
        const long long end = start + options.seconds * 1000000000LL;
        const long long interval = options.rate > 0 ? 1000000000LL / options.rate : 0;
        long long nextSend = start;
        long long skipped = 0;
        results.firstPublishNs = start;
        while (nowNs() < end) {
            const long long now = nowNs();
            if (options.rate == 0 || now >= nextSend) {
                for (int p = 0; p < options.publishers; ++p) {
                    Connection &publisher = connections[size_t(options.subscribers + p)];
                    if (publisher.busy || (publisher.ssl && !publisher.tlsReady))
                        continue;
                    publisher.busy = true;
                    const std::string request
                        = publishRequest(options, token, server.port, results.published);
                    if (publisher.ssl) {
                        publisher.tlsOut += request;
                        handleReadable(publisher);
                    } else {
                        sendAll(publisher.fd, request);
                    }
                    ++results.published;
                    if (options.rate > 0)
                        break;
                }
                if (options.rate > 0) {
                    nextSend += interval;
                    if (nowNs() - nextSend > 100 * interval) { // cannot keep up: don't burst later
                        skipped += (nowNs() - nextSend) / interval;
                        nextSend = nowNs();
                    }
                }
            }
            const long long waitNs = options.rate > 0 ? std::max(0LL, nextSend - nowNs()) : 0;
            poll(int(waitNs / 1000000));
        }
        const long long publishEnd = nowNs();
        // --v2: each message goes to the members of its channel only (the same number in each).
        long long expected = results.published * heads;
        if (options.v2) {
            expected = 0;
            for (long long s = 0; s < results.published; ++s)
                expected += v2.membersOf[size_t(s % options.channels)];
        }
        while (results.deliveries < expected
               && nowNs() - publishEnd < DrainAfterPublishMs * 1000000LL)
            poll(10);
        const long long rssBusy = rssKiB(server.pid);
        const double serverCpuSeconds = std::max(1e-6, cpuSeconds(server.pid) - cpuBefore);
        // The benchmark's own core: near 100 % it reads late, and that counts as latency.
        const double ownCpu = ownCpuSeconds() - ownCpuBefore;
        // Load-independent efficiency: how much of a CPU the server used, and per CPU second.
        const double serverCpu = serverCpuSeconds / (double(nowNs() - start) / 1e9);
        const double seconds
            = double(std::max(results.lastDeliveryNs, publishEnd) - results.firstPublishNs) / 1e9;
        std::printf(
            "rate=%s published=%lld (%.0f msg/s) deliveries=%lld/%lld deliveries_per_s=%.0f "
            "p50=%.2fms p99=%.2fms max=%.2fms rss_end=%lldKiB server_cpu=%.0f%% "
            "deliveries_per_server_cpu_s=%.0f server_cpu_us_per_msg=%.1f bench_cpu=%.0f%% "
            "bench_cpu_us_per_delivery=%.2f loadavg=%.1f%s\n",
            options.rate > 0 ? std::to_string(options.rate).c_str() : "max", results.published,
            double(results.published) / double(publishEnd - start) * 1e9, results.deliveries,
            expected, double(results.deliveries) / seconds,
            percentile(results.latencyUs, 0.50) / 1000.0,
            percentile(results.latencyUs, 0.99) / 1000.0,
            (results.latencyUs.empty()
                 ? 0
                 : *std::max_element(results.latencyUs.begin(), results.latencyUs.end()))
                / 1000.0,
            rssBusy, serverCpu * 100, double(results.deliveries) / serverCpuSeconds,
            results.published > 0 ? serverCpuSeconds * 1e6 / double(results.published) : 0.0,
            ownCpu / (double(nowNs() - start) / 1e9) * 100,
            ownCpu * 1e6 / double(std::max(1LL, results.deliveries)), loadAverage(),
            skipped > 0 ? " (publisher fell behind the rate)" : "");
        if (figures) {
            figures->deliveries = results.deliveries;
            figures->expected = expected;
            figures->p50Ms = percentile(results.latencyUs, 0.50) / 1000.0;
            figures->p99Ms = percentile(results.latencyUs, 0.99) / 1000.0;
            figures->serverCpuUsPerDelivery
                = serverCpuSeconds * 1e6 / double(std::max(1LL, results.deliveries));
            figures->benchCpuUsPerDelivery
                = ownCpu * 1e6 / double(std::max(1LL, results.deliveries));
            figures->loadAverage = loadAverage();
        }
        if (options.v2) {
            v2Exact = results.misdelivered == 0 && results.deliveries == expected;
            std::printf("v2: deliveries to a member not in the message's channel: %lld%s\n",
                        results.misdelivered,
                        v2Exact ? " (every message reached exactly its channel's members)"
                                : " (WRONG)");
        }
        if (results.perMessage)
            writePerMessage(options.perMessageFile, *results.perMessage, start);
    }
    for (Connection &connection : connections) {
        if (connection.ssl)
            TlsClient::close(connection);
        if (connection.fd >= 0)
            close(connection.fd);
    }
    close(epoll);
    stopServer(server, options.target == "nchan");
    return heads == options.subscribers && v2Exact ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value
            = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (arg == "--target")
            options.target = value();
        else if (arg == "--binary")
            options.binary = value();
        else if (arg == "--nchan-conf")
            options.nchanConf = value();
        else if (arg == "--subscribers")
            options.subscribers = std::max(1, std::atoi(value().c_str()));
        else if (arg == "--rate")
            options.rate = std::max(0, std::atoi(value().c_str()));
        else if (arg == "--seconds")
            options.seconds = std::clamp(std::atoi(value().c_str()), 1, 300);
        else if (arg == "--publishers")
            options.publishers = std::clamp(std::atoi(value().c_str()), 1, 64);
        else if (arg == "--padding")
            options.padding = std::clamp(std::atoi(value().c_str()), 0, 3000);
        else if (arg == "--per-message")
            options.perMessageFile = value();
        else if (arg == "--hold")
            options.hold = true;
        else if (arg == "--no-pin")
            options.pin = false;
        else if (arg == "--v2")
            options.v2 = true;
        else if (arg == "--channels")
            options.channels = std::clamp(std::atoi(value().c_str()), 1, 10000);
        else if (arg == "--per-member")
            options.perMember = std::clamp(std::atoi(value().c_str()), 1, 10000);
        else if (arg == "--tls")
            options.tlsMode = value();
        else if (arg == "--rounds")
            options.rounds = std::clamp(std::atoi(value().c_str()), 1, 20);
        else if (arg == "--handshakes")
            options.handshakes = std::clamp(std::atoi(value().c_str()), 1, 100000);
        else if (arg == "--concurrency")
            options.concurrency = std::clamp(std::atoi(value().c_str()), 1, 1000);
        else {
            std::fprintf(
                stderr,
                "usage: hubbench [--target confab|nchan] [--binary PATH] [--subscribers N] "
                "[--rate MSG_PER_S|0] [--seconds S] [--publishers P] [--padding BYTES] "
                "[--hold] [--no-pin] [--nchan-conf FILE] [--per-message FILE] "
                "[--v2 [--channels C] [--per-member K]] [--tls off|on|both [--rounds R]] "
                "[--handshakes N [--concurrency C]]\n");
            return 2;
        }
    }
    if (options.tlsMode != "off" && options.tlsMode != "on" && options.tlsMode != "both") {
        std::fprintf(stderr, "hubbench: --tls takes off, on or both\n");
        return 2;
    }
    if ((options.tlsMode != "off" || options.handshakes > 0) && options.target != "confab") {
        std::fprintf(stderr, "hubbench: TLS runs need --target confab\n");
        return 2;
    }
    if (options.target == "confab" && options.binary.empty()) {
        std::fprintf(stderr, "hubbench: --binary PATH-TO-confab is needed\n");
        return 2;
    }
    if (options.handshakes > 0)
        return runHandshakes(options);
    if (options.tlsMode != "both") {
        options.tls = options.tlsMode == "on";
        return run(options);
    }
    // Plain and TLS alternate, so that a change in the machine's load hits both alike.
    std::vector<std::pair<Figures, Figures>> rounds(size_t(options.rounds));
    int status = 0;
    for (auto &[plain, tls] : rounds) {
        for (const bool overTls : {false, true}) {
            Options one = options;
            one.tls = overTls;
            status |= run(one, overTls ? &tls : &plain);
        }
    }
    printSideBySide(rounds);
    return status;
}
