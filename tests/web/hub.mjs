// Test helpers: a real `confab serve` process on 127.0.0.1 and a desktop-side member that talks
// plain HTTP exactly as a native client does (Bearer token, no Origin header, SSE over GET).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const StartTimeoutMs = 60000; // a sanitizer build on a loaded 2-core machine starts slowly
const StopTimeoutMs = 20000;

export function confabBinary() {
    const binary = process.env.CONFAB_BINARY;
    if (!binary)
        throw new Error('CONFAB_BINARY is not set (ctest sets it to the built confab)');
    return binary;
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// Minimal HTTP client on node:http (fetch would add headers a native client does not send). A new
// connection per request unless `agent` (an http.Agent with keepAlive) is given.
export function request(baseUrl, method, path, { token, body, headers = {}, agent = false } = {}) {
    return new Promise((resolve, reject) => {
        const url = new URL(path, baseUrl);
        const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
        const allHeaders = { ...headers };
        if (token)
            allHeaders.Authorization = 'Bearer ' + token;
        if (payload) {
            allHeaders['Content-Type'] = 'application/json';
            allHeaders['Content-Length'] = payload.length;
        } else if (method === 'POST' || method === 'DELETE' || method === 'PUT' || method === 'PATCH') {
            allHeaders['Content-Length'] = 0;
        }
        const req = http.request(url, { method, headers: allHeaders, agent }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let json = null;
                try {
                    json = text ? JSON.parse(text) : null;
                } catch (e) {
                    json = null;
                }
                resolve({ status: res.statusCode, headers: res.headers, text, json });
            });
        });
        req.setTimeout(15000, () => req.destroy(new Error('request timed out: ' + method + ' ' + path)));
        req.on('error', reject);
        if (payload)
            req.write(payload);
        req.end();
    });
}

export class Hub {
    constructor(dataDir, extraArgs = []) {
        this.dataDir = dataDir;
        this.extraArgs = extraArgs;
        this.port = 0;
        this.process = null;
        this.output = '';
    }

    get baseUrl() {
        return `http://127.0.0.1:${this.port}/`;
    }

    // Starts `confab serve` on the given port (0: any free port, read back from its output) and
    // waits until /healthz answers.
    async start(port = 0) {
        // --no-announce: tests never send beacons onto the machine's real network.
        const args = ['serve', '--bind', '127.0.0.1', '--port', String(port), '--data-dir', this.dataDir, '--no-announce', ...this.extraArgs];
        const child = spawn(confabBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
        this.process = child;
        this.output = '';
        const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
        this.exited = exited;
        const collect = (chunk) => {
            this.output += chunk.toString('utf8');
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);

        const deadline = Date.now() + StartTimeoutMs;
        let found = port;
        while (Date.now() < deadline) {
            if (child.exitCode !== null || child.signalCode !== null)
                throw new Error(`confab serve exited early:\n${this.output}`);
            if (!found) {
                const match = this.output.match(/(?:127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})/);
                if (match)
                    found = Number(match[1]);
            }
            if (found) {
                try {
                    const health = await request(`http://127.0.0.1:${found}/`, 'GET', '/healthz');
                    if (health.status === 200) {
                        this.port = found;
                        return this;
                    }
                } catch (e) {
                    // Not listening yet.
                }
            }
            await sleep(100);
        }
        child.kill('SIGKILL');
        throw new Error(`confab serve did not come up within ${StartTimeoutMs} ms:\n${this.output}`);
    }

    // SIGTERM: the hub says `bye` to its subscribers and exits. Returns the exit status.
    async stop() {
        if (!this.process)
            return null;
        const child = this.process;
        this.process = null;
        if (child.exitCode !== null || child.signalCode !== null)
            return { code: child.exitCode, signal: child.signalCode };
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), StopTimeoutMs);
        const status = await this.exited;
        clearTimeout(timer);
        return status;
    }
}

// A member on the desktop side: joins over HTTP, keeps one event stream open and posts messages
// with a clientId, like app/'s session does.
export class HttpMember {
    constructor(hub, name) {
        this.hub = hub;
        this.name = name;
        this.token = null;
        this.member = null;
        this.events = [];
        this.waiters = [];
        this.streamRequest = null;
    }

    async join(room = 'lobby') {
        const answer = await request(this.hub.baseUrl, 'POST', '/api/v1/session', { body: { name: this.name, room } });
        if (answer.status !== 201)
            throw new Error(`join as ${this.name} failed: ${answer.status} ${answer.text}`);
        this.token = answer.json.token;
        this.member = answer.json.member;
        this.room = room;
        return this;
    }

    async send(text) {
        const clientId = 'test-' + randomBytes(8).toString('hex');
        const answer = await request(this.hub.baseUrl, 'POST', `/api/v1/rooms/${this.room}/messages`,
            { token: this.token, body: { text, clientId } });
        if (answer.status !== 201)
            throw new Error(`send failed: ${answer.status} ${answer.text}`);
        return answer.json;
    }

    // Opens the event stream (live from now) and records every event.
    listen() {
        return new Promise((resolve, reject) => {
            const url = new URL(`/api/v1/rooms/${this.room}/events`, this.hub.baseUrl);
            const req = http.get(url, { headers: { Authorization: 'Bearer ' + this.token, Accept: 'text/event-stream' }, agent: false }, (res) => {
                if (res.statusCode !== 200) {
                    reject(new Error('event stream answered ' + res.statusCode));
                    return;
                }
                let buffer = '';
                let type = '';
                let data = [];
                res.setEncoding('utf8');
                res.on('data', (chunk) => {
                    buffer += chunk;
                    let newline;
                    while ((newline = buffer.search(/\r\n|\n|\r/)) >= 0) {
                        const line = buffer.slice(0, newline);
                        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
                        if (line === '') {
                            if (data.length)
                                this.record(type || 'message', data.join('\n'));
                            type = '';
                            data = [];
                        } else if (line.startsWith('event:')) {
                            type = line.slice(6).trim();
                        } else if (line.startsWith('data:')) {
                            data.push(line.slice(5).replace(/^ /, ''));
                        }
                    }
                });
                resolve(this);
            });
            req.on('error', (error) => {
                if (this.streamRequest)
                    reject(error);
            });
            this.streamRequest = req;
        });
    }

    record(type, text) {
        let data = null;
        try {
            data = JSON.parse(text);
        } catch (e) {
            return;
        }
        this.events.push({ type, data });
        for (const waiter of [...this.waiters]) {
            if (waiter.predicate({ type, data })) {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                clearTimeout(waiter.timer);
                waiter.resolve({ type, data });
            }
        }
    }

    waitForEvent(predicate, timeoutMs = 30000) {
        const seen = this.events.find(predicate);
        if (seen)
            return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
            const waiter = { predicate, resolve };
            waiter.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                reject(new Error(`${this.name}: no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
            }, timeoutMs);
            this.waiters.push(waiter);
        });
    }

    waitForMessage(text, timeoutMs) {
        return this.waitForEvent((event) => event.type === 'message' && event.data.text === text, timeoutMs);
    }

    close() {
        const req = this.streamRequest;
        this.streamRequest = null;
        if (req)
            req.destroy();
    }
}

// The desktop side as a user runs it: `confab join URL --name NAME`, a terminal chat that sends
// each stdin line and prints the room's messages as "[HH:MM] Name: text" lines.
export class ConfabJoin {
    constructor(hub, name, stateDir) {
        this.hub = hub;
        this.name = name;
        this.stateDir = stateDir;
        this.output = '';
        this.errors = '';
        this.waiters = [];
    }

    start() {
        const args = ['join', this.hub.baseUrl, '--name', this.name, '--state-dir', this.stateDir];
        const child = spawn(confabBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
        this.process = child;
        this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => {
            this.output += chunk;
            for (const waiter of [...this.waiters]) {
                if (this.hasLine(waiter.from, waiter.text)) {
                    this.waiters.splice(this.waiters.indexOf(waiter), 1);
                    clearTimeout(waiter.timer);
                    waiter.resolve();
                }
            }
        });
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => {
            this.errors += chunk;
        });
        return this;
    }

    hasLine(from, text) {
        return this.output.split('\n').some((line) => line.replace(/^\[[^\]]*\]\s*/, '') === `${from}: ${text}`);
    }

    // Resolves when the terminal printed `from: text`.
    waitForMessage(from, text, timeoutMs = 30000) {
        if (this.hasLine(from, text))
            return Promise.resolve();
        return new Promise((resolve, reject) => {
            const waiter = { from, text, resolve };
            waiter.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                reject(new Error(`confab join never printed "${from}: ${text}"; stdout:\n${this.output}\nstderr:\n${this.errors}`));
            }, timeoutMs);
            this.waiters.push(waiter);
        });
    }

    send(text) {
        this.process.stdin.write(text + '\n');
    }

    // /quit sends what is still in the outbox, leaves and exits.
    async quit(timeoutMs = 30000) {
        if (!this.process)
            return null;
        const child = this.process;
        this.process = null;
        if (child.exitCode === null && child.signalCode === null) {
            child.stdin.end('/quit\n');
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            const status = await this.exited;
            clearTimeout(timer);
            return status;
        }
        return { code: child.exitCode, signal: child.signalCode };
    }
}
