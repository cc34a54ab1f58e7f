// Browser tests of calls (docs/protocol.md, "Calls"): two headless Chromium pages with fake
// camera and microphone call each other through a real `confab serve` on loopback. Run by
// run-calls.sh inside a network namespace of its own with only `lo` up, so that the media (peer
// to peer, host candidates) stays on loopback: Chromium otherwise offers the machine's interface
// addresses, and needs --allow-loopback-in-peer-connection to use 127.0.0.1 at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { WaitMs, assertMovingRemoteVideo, joinAs } from './callpage.mjs';
import { Hub, request } from './hub.mjs';

const Chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const AcceptToVideoTargetMs = 1500;
const ScreenshotDir = process.env.CONFAB_WEB_SCREENSHOTS || '';
const LaunchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'];

let browser;
const tempDirs = [];

before(async () => {
    browser = await chromium.launch({ executablePath: Chromium, headless: true, args: LaunchArgs });
});

after(async () => {
    if (browser)
        await browser.close();
    for (const dir of tempDirs)
        fs.rmSync(dir, { recursive: true, force: true });
});

async function startHub() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-web-calls-'));
    tempDirs.push(dir);
    return new Hub(dir).start(0);
}

async function openPage(hub, options = {}) {
    const context = await browser.newContext({ locale: 'en-US', ...options });
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(String(error)));
    page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
            page.errors.push(message.text());
    });
    await page.goto(hub.baseUrl);
    return page;
}

async function screenshot(page, name) {
    if (ScreenshotDir)
        await page.screenshot({ path: path.join(ScreenshotDir, name + '.png') });
}

// The member list shows the other member (their call buttons with it).
async function showMembers(page, memberId) {
    const button = page.locator(`#member-list .call-button[data-member="${memberId}"]`).first();
    if (!(await button.isVisible().catch(() => false)))
        await page.locator('#members-toggle').click();
    await button.waitFor({ state: 'visible', timeout: WaitMs });
}

// Opens the DM with a member from the member list (its header then has the call buttons).
async function openDmWith(page, memberId) {
    if (await page.locator('#members-toggle').isVisible()) {
        await showMembers(page, memberId);
        await page.locator(`#member-list .member-button[data-member="${memberId}"]`).click();
    } else {
        // A phone's list screen: "Message…" picks the person.
        await page.locator('#message-button').click();
        await page.locator(`#people-list .member-button[data-member="${memberId}"]`).click();
    }
    await page.locator('#call-actions .call-button[data-call-media="video"]').waitFor({ state: 'visible', timeout: WaitMs });
}

// Clicks Accept and returns the milliseconds until the remote video plays, measured in the page.
async function acceptAndMeasure(page) {
    await page.evaluate(() => {
        window.acceptTiming = {};
        document.getElementById('call-accept').addEventListener('click', () => {
            window.acceptTiming.clicked = performance.now();
            const video = document.getElementById('call-remote');
            const poll = setInterval(() => {
                if (video.videoWidth > 0 && video.currentTime > 0) {
                    window.acceptTiming.playing = performance.now();
                    clearInterval(poll);
                }
            }, 5);
        }, { capture: true, once: true });
    });
    await page.locator('#call-accept').click();
    await page.waitForFunction(() => window.acceptTiming.playing !== undefined, null, { timeout: WaitMs });
    return page.evaluate(() => window.acceptTiming.playing - window.acceptTiming.clicked);
}

function callState(page) {
    return page.evaluate(() => window.ConfabCalls.state());
}

test('two members: ringing, Accept, moving video both ways, then one hangs up and both end', async () => {
    const hub = await startHub();
    const ana = await openPage(hub);
    const bo = await openPage(hub);
    try {
        const anaId = await joinAs(ana, 'Ana');
        const boId = await joinAs(bo, 'Bo');
        // From the member list: Video call Bo.
        await showMembers(ana, boId);
        await ana.locator(`#member-list .call-button[data-member="${boId}"][data-call-media="video"]`).click();
        await ana.locator('#call-view').waitFor({ state: 'visible', timeout: WaitMs });
        assert.equal(await ana.locator('#call-status').textContent(), 'Calling Bo…');

        await bo.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        assert.equal(await bo.locator('#call-banner-text').textContent(), 'Ana is calling you (video)');
        assert.equal(await bo.locator('#call-accept').textContent(), 'Accept');
        assert.equal(await bo.locator('#call-decline').textContent(), 'Decline');
        await screenshot(bo, 'call-ringing-desktop-en');

        const acceptToVideoMs = await acceptAndMeasure(bo);
        console.log(`# Accept to remote video playing: ${acceptToVideoMs.toFixed(0)} ms (target < ${AcceptToVideoTargetMs})`);
        assert.ok(acceptToVideoMs < AcceptToVideoTargetMs, `Accept to video took ${acceptToVideoMs} ms`);
        assert.equal(await bo.locator('#call-banner').isVisible(), false);

        await assertMovingRemoteVideo(bo);
        await assertMovingRemoteVideo(ana);
        await ana.waitForFunction(() => /^0:0\d$/.test(document.getElementById('call-duration').textContent), null, { timeout: WaitMs });
        assert.equal(await bo.locator('#call-status').textContent(), 'In a call with Ana');
        const anaCall = await callState(ana);
        const boCall = await callState(bo);
        assert.ok(anaCall.current && anaCall.current === boCall.current, 'both are in the one call');
        await screenshot(bo, 'call-active-desktop-en');

        // Mute and camera off are local switches.
        await bo.locator('#call-mute').click();
        assert.equal(await bo.locator('#call-mute').textContent(), 'Unmute');
        await bo.locator('#call-camera').click();
        assert.equal(await bo.locator('#call-camera').textContent(), 'Camera on');
        await bo.locator('#call-camera').click();

        // Ana hangs up: both end, and the DM tells of the call.
        await ana.locator('#call-hangup').click();
        await ana.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        await bo.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        assert.equal((await callState(bo)).current, null);
        const dm = await request(hub.baseUrl, 'GET', '/api/v2/calls', {
            token: await ana.evaluate(() => JSON.parse(localStorage.getItem('confab.session')).token),
        });
        assert.deepEqual(dm.json.calls, []);
        await ana.locator('#member-list .member-button[data-member="' + boId + '"]').click();
        await ana.waitForFunction(() => [...document.querySelectorAll('#messages .message.call-summary .text')]
            .some((e) => /^Video call, \d+ s$/.test(e.textContent)), null, { timeout: WaitMs });
        assert.ok(anaId && boId);
        assert.deepEqual(ana.errors, []);
        assert.deepEqual(bo.errors, []);
    } finally {
        await ana.context().close();
        await bo.context().close();
        await hub.stop();
    }
});

test('both call each other at once: exactly one call connects', async () => {
    const hub = await startHub();
    const ana = await openPage(hub);
    const bo = await openPage(hub);
    try {
        const anaId = await joinAs(ana, 'Ana');
        const boId = await joinAs(bo, 'Bo');
        await openDmWith(ana, boId);
        await openDmWith(bo, anaId);
        await Promise.all([
            ana.locator('#call-actions .call-button[data-call-media="video"]').click(),
            bo.locator('#call-actions .call-button[data-call-media="video"]').click(),
        ]);
        // One of them got 409 busy with the other's call and took it: both are in that call.
        await ana.waitForFunction(() => window.ConfabCalls.state().connectedAt > 0, null, { timeout: WaitMs });
        await bo.waitForFunction(() => window.ConfabCalls.state().connectedAt > 0, null, { timeout: WaitMs });
        const anaCall = await callState(ana);
        const boCall = await callState(bo);
        assert.equal(anaCall.current, boCall.current);
        assert.equal(anaCall.incoming, null);
        assert.equal(boCall.incoming, null);
        assert.equal(await ana.locator('#call-banner').isVisible(), false);
        assert.equal(await bo.locator('#call-banner').isVisible(), false);
        await assertMovingRemoteVideo(ana);
        await assertMovingRemoteVideo(bo);
        await bo.locator('#call-hangup').click();
        await ana.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        assert.deepEqual(ana.errors, []);
        assert.deepEqual(bo.errors, []);
    } finally {
        await ana.context().close();
        await bo.context().close();
        await hub.stop();
    }
});

test('a phone in Chinese: 接听 and 拒绝, decline, then a call answered on one of two tabs stops the other', async () => {
    const hub = await startHub();
    const phone = { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
    const ana = await openPage(hub, phone);
    const bo = await openPage(hub, phone);
    try {
        const anaId = await joinAs(ana, '安娜');
        const boId = await joinAs(bo, '博');
        // Bo's second tab: the same member in the same browser (one session, another device).
        const boTab = await bo.context().newPage();
        boTab.errors = [];
        boTab.on('pageerror', (error) => boTab.errors.push(String(error)));
        await boTab.goto(hub.baseUrl);
        await boTab.waitForSelector('#connection-state[data-state="live"]', { state: 'attached', timeout: WaitMs });

        await openDmWith(ana, boId);
        await ana.locator('#call-actions .call-button[data-call-media="video"]').click();
        await bo.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        await boTab.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        assert.equal(await bo.locator('#call-accept').textContent(), '接听');
        assert.equal(await bo.locator('#call-decline').textContent(), '拒绝');
        assert.equal(await bo.locator('#call-banner-text').textContent(), '安娜 正在呼叫你（视频）');
        await screenshot(bo, 'call-ringing-phone-zh');
        // Declined: both tabs stop ringing, Ana is told.
        await bo.locator('#call-decline').click();
        await boTab.locator('#call-banner').waitFor({ state: 'hidden', timeout: WaitMs });
        await ana.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });

        // Again; answered on the tab, so the first one stops ringing.
        await ana.locator('#call-actions .call-button[data-call-media="video"]').click();
        await bo.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        await boTab.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        const ms = await acceptAndMeasure(boTab);
        console.log(`# Accept to remote video playing (phone, second tab): ${ms.toFixed(0)} ms`);
        await bo.locator('#call-banner').waitFor({ state: 'hidden', timeout: WaitMs });
        assert.equal((await callState(bo)).current, null);
        await assertMovingRemoteVideo(boTab);
        await assertMovingRemoteVideo(ana);
        assert.equal(await boTab.locator('#call-hangup').textContent(), '挂断');
        await ana.waitForFunction(() => document.getElementById('call-duration').textContent !== '', null, { timeout: WaitMs });
        await screenshot(boTab, 'call-active-phone-zh');
        await screenshot(ana, 'call-active-phone-zh-caller');
        await boTab.locator('#call-hangup').click();
        await ana.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        // The summaries in the DM, in Chinese.
        await ana.waitForFunction(() => {
            const texts = [...document.querySelectorAll('#messages .message.call-summary .text')].map((e) => e.textContent);
            return texts.includes('已拒绝的视频通话') && texts.some((t) => /^视频通话，\d+ 秒$/.test(t));
        }, null, { timeout: WaitMs });
        assert.ok(anaId);
        assert.deepEqual(ana.errors, []);
        assert.deepEqual(bo.errors, []);
        assert.deepEqual(boTab.errors, []);
    } finally {
        await ana.context().close();
        await bo.context().close();
        await hub.stop();
    }
});

test('desktop screenshots in Chinese and a phone in English', async () => {
    if (!ScreenshotDir)
        return;
    const hub = await startHub();
    const ana = await openPage(hub, { locale: 'zh-CN' });
    const bo = await openPage(hub, { locale: 'zh-CN' });
    const carl = await openPage(hub, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
        await joinAs(ana, '安娜');
        const boId = await joinAs(bo, '博');
        const carlId = await joinAs(carl, 'Carl');
        await openDmWith(ana, boId);
        await ana.locator('#call-actions .call-button[data-call-media="video"]').click();
        await bo.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        await screenshot(bo, 'call-ringing-desktop-zh');
        await acceptAndMeasure(bo);
        await assertMovingRemoteVideo(bo);
        await screenshot(bo, 'call-active-desktop-zh');
        await bo.locator('#call-hangup').click();
        await ana.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });

        await openDmWith(ana, carlId);
        await ana.locator('#call-actions .call-button[data-call-media="video"]').click();
        await carl.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        await screenshot(carl, 'call-ringing-phone-en');
        await acceptAndMeasure(carl);
        await assertMovingRemoteVideo(carl);
        await screenshot(carl, 'call-active-phone-en');
        await carl.locator('#call-hangup').click();
    } finally {
        await ana.context().close();
        await bo.context().close();
        await carl.context().close();
        await hub.stop();
    }
});

// Over plain http:// from another address the browser gives no camera or microphone: the page
// says so where the person looks, and names the https:// address. (run-calls.sh gives `lo` the
// extra address 10.77.0.1 inside the test's own network namespace.)
test('a page that is not a secure context says that calls need https://', async (t) => {
    if (process.env.CONFAB_CALLS_EXTRA_ADDRESS !== '10.77.0.1') {
        t.skip('needs the namespace address of run-calls.sh');
        return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-web-calls-'));
    tempDirs.push(dir);
    const hub = await new Hub(dir, ['--bind', '0.0.0.0']).start(0);
    const context = await browser.newContext({ locale: 'en-US' });
    const ana = await context.newPage();
    const bo = await openPage(hub);
    try {
        await ana.goto(`http://10.77.0.1:${hub.port}/`);
        assert.equal(await ana.evaluate(() => window.isSecureContext), false);
        await joinAs(ana, 'Ana');
        const boId = await joinAs(bo, 'Bo');
        await openDmWith(ana, boId);
        await ana.locator('#call-actions .call-button[data-call-media="video"]').click();
        const expected = `Calls need a secure connection: the browser gives camera and microphone only to pages opened over https:// or on this computer (localhost). Open https://10.77.0.1:${hub.port}/ instead.`;
        await ana.waitForFunction((text) => [...document.querySelectorAll('#messages li')]
            .some((e) => e.textContent.includes(text)), expected, { timeout: WaitMs });
        assert.equal(await ana.locator('#call-view').isVisible(), false);
        await screenshot(ana, 'call-insecure-desktop-en');
        // Nothing was placed: Bo does not ring.
        assert.equal(await bo.locator('#call-banner').isVisible(), false);
    } finally {
        await context.close();
        await bo.context().close();
        await hub.stop();
    }
});

// The desktop window hands a call to the browser with a one-time code in the fragment.
test('a page opened with #handoff= signs in as that member, clears the fragment, and starts or accepts the call', async (t) => {
    const hub = await startHub();
    const signIn = async (name) => (await request(hub.baseUrl, 'POST', '/api/v2/session', { body: { name } })).json;
    const windowAna = await signIn('Ana');
    const probe = await request(hub.baseUrl, 'POST', '/api/v2/session/handoff', { token: windowAna.token });
    assert.equal(probe.status, 201);
    const bo = await openPage(hub);
    const context = await browser.newContext({ locale: 'en-US' });
    const ana = await context.newPage();
    ana.errors = [];
    ana.on('pageerror', (error) => ana.errors.push(String(error)));
    try {
        const boId = await joinAs(bo, 'Bo');
        // "start": the window's Video call button.
        const start = await request(hub.baseUrl, 'POST', '/api/v2/session/handoff', { token: windowAna.token });
        await ana.goto(`${hub.baseUrl}#handoff=${encodeURIComponent(start.json.code)}&action=start&callee=${boId}&media=video`);
        await bo.locator('#call-banner').waitFor({ state: 'visible', timeout: WaitMs });
        assert.equal(await ana.evaluate(() => location.hash), '');
        assert.equal(await ana.evaluate(() => JSON.parse(localStorage.getItem('confab.session')).member.id), windowAna.member.id);
        await acceptAndMeasure(bo);
        await assertMovingRemoteVideo(ana);
        await ana.locator('#call-hangup').click();
        await bo.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });

        // "accept": Bo calls; the window of Ana hands the ringing call to a new tab.
        await showMembers(bo, windowAna.member.id);
        await bo.locator(`#member-list .call-button[data-member="${windowAna.member.id}"][data-call-media="video"]`).click();
        await bo.locator('#call-view').waitFor({ state: 'visible', timeout: WaitMs });
        const listed = await request(hub.baseUrl, 'GET', '/api/v2/calls', { token: windowAna.token });
        const callId = listed.json.calls[0].id;
        const accept = await request(hub.baseUrl, 'POST', '/api/v2/session/handoff', { token: windowAna.token });
        const tab = await context.newPage();
        await tab.goto(`${hub.baseUrl}#handoff=${encodeURIComponent(accept.json.code)}&call=${callId}&action=accept`);
        await assertMovingRemoteVideo(tab);
        await assertMovingRemoteVideo(bo);
        assert.equal(await tab.evaluate(() => location.hash), '');
        // The code is dead after one use.
        const again = await request(hub.baseUrl, 'POST', '/api/v2/session/handoff/redeem', { body: { code: accept.json.code } });
        assert.equal(again.status, 404);
        await tab.locator('#call-hangup').click();
        await bo.locator('#call-view').waitFor({ state: 'hidden', timeout: WaitMs });
        assert.deepEqual(ana.errors, []);
    } finally {
        await context.close();
        await bo.context().close();
        await hub.stop();
    }
});
