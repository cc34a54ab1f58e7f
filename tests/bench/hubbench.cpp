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
    close(out[0]);
    const size_t colon = line.rfind(':');
    if (line.rfind("listening on http://", 0) == 0 && colon != std::string::npos)
        server.port = std::atoi(line.c_str() + colon + 1);
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

int run(const Options &options)
{
    raiseFdLimit();
    signal(SIGPIPE, SIG_IGN);
    Server server = options.target == "nchan" ? startNchan(options) : startConfab(options);
    if (server.port == 0) {
        std::fprintf(stderr, "hubbench: the %s server did not start\n", options.target.c_str());
        stopServer(server, options.target == "nchan");
        return 1;
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
    const auto handleReadable = [&](Connection &connection) {
        for (;;) {
            const ssize_t n = recv(connection.fd, readBuffer, sizeof(readBuffer), 0);
            if (n <= 0)
                return;
            const long long now = nowNs(); // per read: a batch of 1000 sockets takes a while
            const bool drained = size_t(n) < sizeof(readBuffer);
            if (connection.kind == Kind::Publisher) {
                connection.buffer.append(readBuffer, size_t(n));
                while (takeAnswer(connection.buffer))
                    connection.busy = false;
                if (drained)
                    return;
                continue;
            }
            size_t offset = 0;
            if (!connection.headSeen) {
                connection.buffer.append(readBuffer, size_t(n));
                const size_t head = connection.buffer.find("\r\n\r\n");
                if (head == std::string::npos) {
                    if (drained)
                        return;
                    continue;
                }
                connection.headSeen = true;
                ++heads;
                connection.buffer.clear();
                offset = size_t(n); // nothing of interest comes with the head
            }
            scanMarkers(connection, readBuffer + offset, size_t(n) - offset, now, results);
            if (drained)
                return;
        }
    };
    const auto poll = [&](int timeoutMs) {
        const int ready = epoll_wait(epoll, events.data(), EpollBatch, timeoutMs);
        for (int i = 0; i < ready; ++i)
            handleReadable(connections[size_t(events[size_t(i)].data.u32)]);
    };

    // Subscribe, a batch per turn.
    const long long subscribeStart = nowNs();
    int opened = 0;
    while (heads < options.subscribers
           && nowNs() - subscribeStart < SubscribeTimeoutMs * 1000000LL) {
        for (int i = 0; i < ConnectBatch && opened < options.subscribers; ++i, ++opened) {
            Connection &connection = connections[size_t(opened)];
            connection.fd = connectLoopback(server.port, true);
            if (connection.fd < 0) {
                std::fprintf(stderr, "hubbench: connect failed after %d: %s\n", opened,
                             std::strerror(errno));
                break;
            }
            if (options.v2) {
                connection.inChannel = v2.inChannel[size_t(opened)];
                sendAll(connection.fd,
                        "GET /api/v2/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + v2.tokens[size_t(opened)] + "\r\nAccept: text/event-stream\r\n\r\n");
            } else {
                sendAll(connection.fd, subscribeRequest);
            }
            fcntl(connection.fd, F_SETFL, fcntl(connection.fd, F_GETFL) | O_NONBLOCK);
            epoll_event event {};
            event.events = EPOLLIN | EPOLLET;
            event.data.u32 = uint32_t(opened);
            epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fd, &event);
        }
        poll(10);
    }
    const double subscribeSeconds = double(nowNs() - subscribeStart) / 1e9;
    usleep(1000000);
    poll(0);
    const long long rssIdle = rssKiB(server.pid);
    std::printf(
        "target=%s subscribers=%d/%d subscribe_time=%.2fs rss_baseline=%lldKiB rss_idle=%lldKiB "
        "rss_per_idle_subscriber=%.2fKiB\n",
        options.target.c_str(), heads, options.subscribers, subscribeSeconds, rssBaseline, rssIdle,
        heads > 0 ? double(rssIdle - rssBaseline) / heads : 0.0);
    std::fflush(stdout);

    bool v2Exact = true;
    if (!options.hold) {
        for (int p = 0; p < options.publishers; ++p) {
            const size_t index = size_t(options.subscribers + p);
            Connection &connection = connections[index];
            connection.kind = Kind::Publisher;
            connection.fd = connectLoopback(server.port, true);
            fcntl(connection.fd, F_SETFL, fcntl(connection.fd, F_GETFL) | O_NONBLOCK);
            epoll_event event {};
            event.events = EPOLLIN | EPOLLET;
            event.data.u32 = uint32_t(index);
            epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fd, &event);
        }
        const double cpuBefore = cpuSeconds(server.pid);
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
                    if (publisher.busy)
                        continue;
                    publisher.busy = true;
                    sendAll(publisher.fd,
                            publishRequest(options, token, server.port, results.published));
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
        // Load-independent efficiency: how much of a CPU the server used, and per CPU second.
        const double serverCpu = serverCpuSeconds / (double(nowNs() - start) / 1e9);
        const double seconds
            = double(std::max(results.lastDeliveryNs, publishEnd) - results.firstPublishNs) / 1e9;
        std::printf(
            "rate=%s published=%lld (%.0f msg/s) deliveries=%lld/%lld deliveries_per_s=%.0f "
            "p50=%.2fms p99=%.2fms max=%.2fms rss_end=%lldKiB server_cpu=%.0f%% "
            "deliveries_per_server_cpu_s=%.0f server_cpu_us_per_msg=%.1f loadavg=%.1f%s\n",
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
            loadAverage(), skipped > 0 ? " (publisher fell behind the rate)" : "");
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
        else {
            std::fprintf(
                stderr,
                "usage: hubbench [--target confab|nchan] [--binary PATH] [--subscribers N] "
                "[--rate MSG_PER_S|0] [--seconds S] [--publishers P] [--padding BYTES] "
                "[--hold] [--no-pin] [--nchan-conf FILE] [--per-message FILE] "
                "[--v2 [--channels C] [--per-member K]]\n");
            return 2;
        }
    }
    if (options.target == "confab" && options.binary.empty()) {
        std::fprintf(stderr, "hubbench: --binary PATH-TO-confab is needed\n");
        return 2;
    }
    return run(options);
}
