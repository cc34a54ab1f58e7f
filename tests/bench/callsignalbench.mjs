// Call signal latency under chat load (issue 13): while N other members' streams each receive
// R chat messages a second, member A sends call signals to B in an active call; the time from
// sending A's POST to B's stream delivering the `call_signal` is measured (p50, p99, max).
//
//   node tests/bench/callsignalbench.mjs --binary build/rel/confab [--subscribers 1000]
//        [--rate 200] [--seconds 10] [--signals-per-second 50]
//
//   node tests/bench/callsignalbench.mjs --hub http://127.0.0.1:PORT/ [--seconds 15]
//
// A's signals go over kept-alive connections, as a browser's fetch() sends them;
// --new-connections opens one per signal instead (the bench's behaviour before 1 Dec 2026).
//
// With --hub, the load comes from elsewhere (hubbench, which is C++ and reads 1000 streams far
// faster than Node can): only A and B sign in to that hub and the signals are measured; hubbench's
// messages carry `@T<ns>#` (CLOCK_MONOTONIC, which is also Node's hrtime), so B's stream measures
// them too, as the reference.
//
// The subscribers run in a child process of their own (they read and throw away), so that the
// measuring process's event loop only handles A and B. Everything is on 127.0.0.1; the hub is a
// real `confab serve --max-rate 0` with its own temporary data directory; the run stops by
// itself after --seconds.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hub, request } from '../web/hub.mjs';

const args = process.argv.slice(2);
function option(name, fallback) {
    const index = args.indexOf('--' + name);
    return index >= 0 ? args[index + 1] : fallback;
}

// How A sends its signals: a browser reuses its connections to the hub (HTTP/1.1 keep-alive).
const signalAgent = args.includes('--new-connections') ? false : new http.Agent({ keepAlive: true, maxSockets: 6 });

// ---- the subscriber process: open N member streams, count bytes, report -----------------------
if (process.env.CALLBENCH_ROLE === 'subscribers') {
    const { port, tokens } = JSON.parse(process.env.CALLBENCH_SETUP);
    let bytes = 0;
    let open = 0;
    for (const token of tokens) {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v2/events?token=' + encodeURIComponent(token), agent: false }, (res) => {
            ++open;
            if (open === tokens.length)
                process.send({ open });
            res.on('data', (chunk) => {
                bytes += chunk.length;
            });
        });
        req.on('error', () => {});
    }
    process.on('message', (message) => {
        if (message === 'report') {
            process.send({ bytes });
            process.exit(0);
        }
    });
} else {
    await main();
}

async function signIn(port, name) {
    const answer = await request(`http://127.0.0.1:${port}/`, 'POST', '/api/v2/session', { body: { name } });
    if (answer.status !== 201)
        throw new Error(`sign-in of ${name}: ${answer.status} ${answer.text}`);
    return { token: answer.json.token, id: answer.json.member.id };
}

function percentile(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function measureOnly(base, seconds, signalRate) {
    const port = Number(new URL(base).port);
    const ana = await signIn(port, 'CallA' + process.pid);
    const bo = await signIn(port, 'CallB' + process.pid);
    const arrived = new Map();
    const chat = [];
    let buffer = '';
    const stream = http.get({ host: '127.0.0.1', port, path: '/api/v2/events?token=' + encodeURIComponent(bo.token), agent: false }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
            const now = performance.now();
            const nowNs = process.hrtime.bigint();
            buffer += chunk;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const match = frame.match(/"candidate":"bench:(\d+)"/);
                if (frame.includes('event: call_signal') && match)
                    arrived.set(Number(match[1]), now);
                const marker = frame.match(/@T(\d+)#/);
                if (marker)
                    chat.push(Number(nowNs - BigInt(marker[1])) / 1e6);
            }
        });
    });
    stream.on('error', () => {});
    const placed = await request(base, 'POST', '/api/v2/calls', { token: ana.token, body: { callee: bo.id, media: 'audio', device: 'd_ana' } });
    const callId = placed.json.call.id;
    await request(base, 'POST', `/api/v2/calls/${callId}/accept`, { token: bo.token, body: { device: 'd_bo' } });
    const sent = new Map();
    const deadline = Date.now() + seconds * 1000;
    let sequence = 0;
    while (Date.now() < deadline) {
        const n = ++sequence;
        sent.set(n, performance.now());
        request(base, 'POST', `/api/v2/calls/${callId}/signal`, { token: ana.token, agent: signalAgent, body: { device: 'd_ana', candidate: { candidate: 'bench:' + n, sdpMid: '0', sdpMLineIndex: 0 } } }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 1000 / signalRate));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await request(base, 'POST', `/api/v2/calls/${callId}/hangup`, { token: ana.token });
    stream.destroy();
    if (signalAgent)
        signalAgent.destroy();
    const latencies = [...sent].filter(([n]) => arrived.has(n)).map(([n, at]) => arrived.get(n) - at).sort((a, b) => a - b);
    chat.sort((a, b) => a - b);
    console.log(`signals sent ${sent.size}, arrived ${latencies.length}`);
    if (latencies.length)
        console.log(`signal latency ms: p50 ${percentile(latencies, 0.5).toFixed(2)}, p99 ${percentile(latencies, 0.99).toFixed(2)}, max ${latencies[latencies.length - 1].toFixed(2)}`);
    if (chat.length)
        console.log(`reference, the load's chat messages on B's stream (${chat.length}): p50 ${percentile(chat, 0.5).toFixed(2)}, p99 ${percentile(chat, 0.99).toFixed(2)} ms`);
    process.exit(0);
}

async function main() {
    if (option('hub', '')) {
        await measureOnly(option('hub', ''), Number(option('seconds', 15)), Number(option('signals-per-second', 50)));
        return;
    }
    const binary = option('binary', process.env.CONFAB_BINARY);
    if (!binary)
        throw new Error('--binary PATH-TO-confab is needed');
    process.env.CONFAB_BINARY = binary;
    const subscribers = Number(option('subscribers', 1000));
    const rate = Number(option('rate', 200));
    const seconds = Number(option('seconds', 10));
    const signalRate = Number(option('signals-per-second', 50));

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-callbench-'));
    const hub = await new Hub(dataDir, ['--max-rate', '0', '--max-connections', String(subscribers + 200)]).start(0);
    const base = hub.baseUrl;
    try {
        const tokens = [];
        for (let i = 0; i < subscribers; ++i)
            tokens.push((await signIn(hub.port, 'sub' + i)).token);
        const ana = await signIn(hub.port, 'Ana');
        const bo = await signIn(hub.port, 'Bo');
        const poster = await signIn(hub.port, 'Poster');

        const child = fork(fileURLToPath(import.meta.url), [], {
            env: { ...process.env, CALLBENCH_ROLE: 'subscribers', CALLBENCH_SETUP: JSON.stringify({ port: hub.port, tokens }) },
        });
        await new Promise((resolve) => child.once('message', resolve));

        // Bo's stream: note when each signal arrives.
        const arrived = new Map();
        const chatArrived = new Map(); // the reference: chat messages to the same stream
        let buffer = '';
        const boStream = http.get({ host: '127.0.0.1', port: hub.port, path: '/api/v2/events?token=' + encodeURIComponent(bo.token), agent: false }, (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
                const now = performance.now();
                buffer += chunk;
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                    const frame = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    const match = frame.match(/"candidate":"bench:(\d+)"/);
                    if (frame.includes('event: call_signal') && match)
                        arrived.set(Number(match[1]), now);
                    const chat = frame.match(/"text":"load (\d+) /);
                    if (chat)
                        chatArrived.set(Number(chat[1]), now);
                }
            });
        });
        boStream.on('error', () => {});

        const placed = await request(base, 'POST', '/api/v2/calls', { token: ana.token, body: { callee: bo.id, media: 'audio', device: 'd_ana' } });
        const callId = placed.json.call.id;
        await request(base, 'POST', `/api/v2/calls/${callId}/accept`, { token: bo.token, body: { device: 'd_bo' } });

        // The chat load: `rate` messages a second to lobby, which every subscriber is in.
        const deadline = Date.now() + seconds * 1000;
        let posted = 0;
        const chatSent = new Map();
        const postTimer = setInterval(() => {
            const due = Math.floor(((Date.now() - (deadline - seconds * 1000)) / 1000) * rate);
            while (posted < due && Date.now() < deadline) {
                ++posted;
                chatSent.set(posted, performance.now());
                request(base, 'POST', '/api/v2/conversations/lobby/messages', { token: poster.token, body: { text: 'load ' + posted + ' ' + 'x'.repeat(80), clientId: 'c' + posted } }).catch(() => {});
            }
        }, 5);

        // The signals: one every 1/signalRate s after a second of warm-up.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const sent = new Map();
        let sequence = 0;
        while (Date.now() < deadline - 500) {
            const n = ++sequence;
            sent.set(n, performance.now());
            request(base, 'POST', `/api/v2/calls/${callId}/signal`, { token: ana.token, agent: signalAgent, body: { device: 'd_ana', candidate: { candidate: 'bench:' + n, sdpMid: '0', sdpMLineIndex: 0 } } }).catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, 1000 / signalRate));
        }
        clearInterval(postTimer);
        await new Promise((resolve) => setTimeout(resolve, 1000));

        const latencies = [];
        for (const [n, at] of sent) {
            if (arrived.has(n))
                latencies.push(arrived.get(n) - at);
        }
        latencies.sort((a, b) => a - b);
        const chatLatencies = [];
        for (const [n, at] of chatSent) {
            if (chatArrived.has(n))
                chatLatencies.push(chatArrived.get(n) - at);
        }
        chatLatencies.sort((a, b) => a - b);
        child.send('report');
        const report = await new Promise((resolve) => child.once('message', resolve));
        const metrics = await request(base, 'GET', '/metrics');
        const relayed = (metrics.text.match(/^confab_call_signals_relayed_total (\d+)/m) || [])[1];
        console.log(`subscribers ${subscribers}, chat ${posted} messages in ${seconds} s (${(posted / seconds).toFixed(0)}/s), `
            + `subscriber bytes ${(report.bytes / 1e6).toFixed(1)} MB`);
        console.log(`signals sent ${sent.size}, arrived ${latencies.length}, relayed (hub) ${relayed}`);
        if (latencies.length)
            console.log(`signal latency ms: p50 ${percentile(latencies, 0.5).toFixed(2)}, p99 ${percentile(latencies, 0.99).toFixed(2)}, max ${latencies[latencies.length - 1].toFixed(2)}`);
        if (chatLatencies.length)
            console.log(`reference, chat messages to the same stream (${chatLatencies.length}): p50 ${percentile(chatLatencies, 0.5).toFixed(2)}, p99 ${percentile(chatLatencies, 0.99).toFixed(2)} ms`);
        boStream.destroy();
        if (signalAgent)
            signalAgent.destroy();
    } finally {
        await hub.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    }
    process.exit(0);
}
