#!/usr/bin/env python3
# Plain and TLS event-stream subscribers on the same hub binary, one after the other: the hub's
# RSS per idle subscriber, then MSGS messages published at RATE per second, with every delivery
# counted and the hub's CPU seconds for the fan-out. An interim measurement until hubbench (C++,
# epoll) gets a TLS subscriber mode; see tests/bench/README.md. Loopback only, bounded loops; run
# it inside `unshare -rn` (with `ip link set lo up`) as any hub started by hand.
#
#   python3 tests/bench/tls_vs_plain.py build/release/confab 1000 400 200
import json, os, selectors, socket, ssl, subprocess, sys, tempfile, time

BIN = sys.argv[1]
N = int(sys.argv[2])
MSGS = int(sys.argv[3])
RATE = float(sys.argv[4])

def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def cpu_s(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

def request(port, data, tls_ctx=None):
    s = socket.create_connection(("127.0.0.1", port))
    if tls_ctx:
        s = tls_ctx.wrap_socket(s, server_hostname="localhost")
    s.sendall(data)
    buf = b""
    s.settimeout(10)
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, body = buf.split(b"\r\n\r\n", 1)
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(body) < length:
        body += s.recv(65536)
    s.close()
    return body

def run(mode):
    d = tempfile.mkdtemp()
    hub = subprocess.Popen([BIN, "serve", "--bind", "127.0.0.1", "--port", "0", "--no-announce",
                            "--data-dir", d, "--max-rate", "0", "--max-connections", str(N + 100),
                            "--heartbeat-ms", "60000"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = int(hub.stdout.readline().split(b":")[-1].strip(b"/\n"))
    ctx = ssl.create_default_context(cafile=os.path.join(d, "hub-cert.pem"))
    body = json.dumps({"name": "bench"}).encode()
    token = json.loads(request(port, b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (port, len(body)) + body))["token"]
    sel = selectors.DefaultSelector()
    subs = []
    def subscribe():
        s = socket.create_connection(("127.0.0.1", port))
        if mode == "tls":
            s = ctx.wrap_socket(s, server_hostname="localhost")
        s.sendall(b"GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + b"\r\n\r\n")
        s.setblocking(False)
        subs.append(s)
        sel.register(s, selectors.EVENT_READ, [0])
    for _ in range(50):
        subscribe()
    time.sleep(2)
    base = rss_kib(hub.pid)
    for _ in range(N - 50):
        subscribe()
    time.sleep(3)
    idle = rss_kib(hub.pid)
    # drain what arrived so far, then publish MSGS messages at RATE, count deliveries
    def drain(deadline, want):
        got = 0
        while time.time() < deadline:
            for key, _ in sel.select(0.05):
                try:
                    data = key.fileobj.recv(1 << 16)
                except (ssl.SSLWantReadError, BlockingIOError):
                    continue
                key.data[0] += data.count(b"event: message")
            got = sum(k.data[0] for k in sel.get_map().values())
            if want and got >= want:
                break
        return got
    drain(time.time() + 2, 0)
    cpu0 = cpu_s(hub.pid)
    poster = socket.create_connection(("127.0.0.1", port))
    start = time.time()
    for i in range(MSGS):
        body = json.dumps({"text": "m%d" % i, "clientId": "c%d" % i}).encode()
        poster.sendall(b"POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (port, token.encode(), len(body)) + body)
        drain(start + (i + 1) / RATE, 0)
    got = drain(time.time() + 20, MSGS * N)
    cpu = cpu_s(hub.pid) - cpu0
    print(f"{mode}: {N} subscribers, idle RSS {(idle - base) / (N - 50):.1f} KiB per subscriber; "
          f"{MSGS} messages at {RATE}/s: {got} of {MSGS * N} delivered, hub CPU {cpu:.2f} s", flush=True)
    for s in subs:
        s.close()
    poster.close()
    hub.terminate()
    hub.wait(10)

for mode in ("plain", "tls"):
    run(mode)
