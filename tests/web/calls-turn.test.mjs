// A call relayed by Debian's coturn (docs/coturn.md): `turnserver` on 127.0.0.1 with one static
// user, a hub started with `--ice-server turn:USER:PASSWORD@127.0.0.1:PORT?transport=udp`, and two
// headless Chromium pages that may use relay candidates only (iceTransportPolicy "relay", forced
// by this test in the pages, never by the product), so the media cannot flow unless the TURN
// server carries it. Asserts moving remote video both ways and, from getStats(), that the
// selected candidate pair is relay on both ends. Run by run-calls.sh turn inside a network
// namespace of its own with only `lo` up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { WaitMs, assertMovingRemoteVideo, joinAs } from './callpage.mjs';
import { Hub } from './hub.mjs';

const Chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const TurnServer = process.env.TURNSERVER || '/usr/bin/turnserver';
const TurnStartMs = 10000;
const TurnUser = 'confab';
const TurnPassword = 'relay-test-secret';
const ScreenshotDir = process.env.CONFAB_WEB_SCREENSHOTS || '';
const LaunchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'];

let browser;
let turn;
let turnPort = 0;
const tempDirs = [];

// A free UDP/TCP port number on 127.0.0.1 for the TURN listener (checked free for TCP; the
// namespace is ours alone, so nothing else takes it in between).
function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

// turnserver logs "... listener opened on : 127.0.0.1:PORT" once it is up.
async function startTurn() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-turn-'));
    tempDirs.push(dir);
    turnPort = await freePort();
    const relayLow = 49160;
    const args = ['-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1',
        `--listening-port=${turnPort}`, `--min-port=${relayLow}`, `--max-port=${relayLow + 40}`,
        '--lt-cred-mech', `--user=${TurnUser}:${TurnPassword}`, '--realm=confab.test',
        // The relay must reach the other page's relay address, which is on loopback here;
        // docs/coturn.md denies loopback peers on a real LAN.
        '--allow-loopback-peers', '--fingerprint',
        '--no-tls', '--no-dtls', '--no-cli', '--no-multicast-peers',
        `--db=${path.join(dir, 'turndb')}`, `--pidfile=${path.join(dir, 'turnserver.pid')}`,
        '--log-file=stdout', '--simple-log', '--verbose'];
    const child = spawn(TurnServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.log = '';
    const collect = (chunk) => {
        child.log += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const deadline = Date.now() + TurnStartMs;
    while (!/listener opened on\s*:\s*127\.0\.0\.1:\d+/.test(child.log)) {
        if (child.exitCode !== null || Date.now() > deadline)
            throw new Error(`turnserver did not start (exit ${child.exitCode}):\n${child.log}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return child;
}

before(async () => {
    turn = await startTurn();
    browser = await chromium.launch({ executablePath: Chromium, headless: true, args: LaunchArgs });
});

after(async () => {
    if (browser)
        await browser.close();
    if (turn && turn.exitCode === null) {
        turn.kill('SIGTERM');
        await new Promise((resolve) => turn.once('exit', resolve));
    }
    for (const dir of tempDirs)
        fs.rmSync(dir, { recursive: true, force: true });
});

// Every RTCPeerConnection of the page may use relay candidates only, and is kept for getStats().
function forceRelay() {
    const Original = window.RTCPeerConnection;
    window.testPeers = [];
    window.RTCPeerConnection = class extends Original {
        constructor(configuration = {}, ...rest) {
            super({ ...configuration, iceTransportPolicy: 'relay' }, ...rest);
            window.testPeers.push(this);
        }
    };
}

async function openPage(hub) {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(String(error)));
    await page.addInitScript(forceRelay);
    await page.goto(hub.baseUrl);
    return page;
}

// The candidate pair the page's (last) connection selected, with both candidates' types.
function selectedPair(page) {
    return page.evaluate(async () => {
        const pc = window.testPeers[window.testPeers.length - 1];
        if (!pc)
            return null;
        const stats = await pc.getStats();
        let pairId = null;
        stats.forEach((report) => {
            if (report.type === 'transport' && report.selectedCandidatePairId)
                pairId = report.selectedCandidatePairId;
        });
        const pair = pairId && stats.get(pairId);
        if (!pair)
            return null;
        const local = stats.get(pair.localCandidateId);
        const remote = stats.get(pair.remoteCandidateId);
        return {
            state: pair.state, policy: pc.getConfiguration().iceTransportPolicy,
            local: { type: local.candidateType, address: local.address, port: local.port, relayProtocol: local.relayProtocol },
            remote: { type: remote.candidateType, address: remote.address, port: remote.port },
            bytesReceived: pair.bytesReceived,
        };
    });
}

test('a video call relayed by coturn: relay candidates only, moving video both ways', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-web-turn-'));
    tempDirs.push(dir);
    const iceServer = `turn:${TurnUser}:${TurnPassword}@127.0.0.1:${turnPort}?transport=udp`;
    const hub = await new Hub(dir, ['--ice-server', iceServer]).start(0);
    const ana = await openPage(hub);
    const bo = await openPage(hub);
    try {
        await joinAs(ana, 'Ana');
        const boId = await joinAs(bo, 'Bo');
        const callBo = ana.locator(`#member-list .call-button[data-member="${boId}"][data-call-media="video"]`).first();
        if (!(await callBo.isVisible().catch(() => false)))
            await ana.locator('#members-toggle').click();
        await callBo.waitFor({ state: 'visible', timeout: WaitMs });
        await callBo.click();
        await bo.locator('#call-accept').waitFor({ state: 'visible', timeout: WaitMs });
        await bo.locator('#call-accept').click();

        await assertMovingRemoteVideo(bo);
        await assertMovingRemoteVideo(ana);
        for (const [name, page] of [['Ana', ana], ['Bo', bo]]) {
            const pair = await selectedPair(page);
            console.log(`# ${name}'s selected candidate pair: ${JSON.stringify(pair)}`);
            assert.ok(pair, `${name} has a selected candidate pair`);
            assert.equal(pair.policy, 'relay', `${name}'s connection may use relay candidates only`);
            assert.equal(pair.local.type, 'relay', `${name}'s local candidate is the TURN relay`);
            assert.equal(pair.remote.type, 'relay', `${name}'s remote candidate is the other's relay`);
            assert.equal(pair.local.address, '127.0.0.1');
            assert.ok(pair.local.port >= 49160 && pair.local.port <= 49200, `relay port ${pair.local.port} is in turnserver's range`);
            assert.ok(pair.bytesReceived > 10000, `${name} received ${pair.bytesReceived} bytes through the relay`);
        }
        if (ScreenshotDir)
            await bo.screenshot({ path: path.join(ScreenshotDir, 'call-relayed-by-turn.png') });
        // The relay saw the allocations (and so carried the media; the pages allowed nothing else).
        assert.match(turn.log, /ALLOCATE/, 'turnserver logged allocations');

        await ana.locator('#call-hangup').click();
        await bo.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        assert.deepEqual(ana.errors, []);
        assert.deepEqual(bo.errors, []);
    } finally {
        await ana.context().close();
        await bo.context().close();
        await hub.stop();
    }
});
