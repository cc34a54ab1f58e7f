// Browser tests of the web client the hub serves: headless Debian chromium driven by
// playwright-core, a real `confab serve` on 127.0.0.1 (random port, its own data dir), and on the
// desktop side a real `confab join` process or a member speaking plain HTTP as native clients do.
// Run by ctest through run-tests.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ConfabJoin, Hub, HttpMember, request } from './hub.mjs';

const Chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WaitMs = 30000; // generous: sanitizer build, 2 shared cores
const ScreenshotDir = process.env.CONFAB_WEB_SCREENSHOTS || '';
const LaunchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'];

let browser;
const tempDirs = [];

function tempDir(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
}

before(async () => {
    // A fresh profile for every run: playwright creates a temporary user-data-dir per launch.
    browser = await chromium.launch({ executablePath: Chromium, headless: true, args: LaunchArgs });
});

after(async () => {
    if (browser)
        await browser.close();
    for (const dir of tempDirs)
        fs.rmSync(dir, { recursive: true, force: true });
});

async function startHub() {
    return new Hub(tempDir('confab-web-hub-')).start(0);
}

async function openPage(hub, options = {}) {
    const context = await browser.newContext({ locale: 'en-US', ...options });
    const page = await context.newPage();
    // Script errors and anything the hub's Content-Security-Policy refused fail the tests that
    // check page.errors.
    page.on('pageerror', (error) => {
        page.errors = (page.errors || []).concat(String(error));
    });
    page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
            page.errors = (page.errors || []).concat(message.text());
    });
    await page.goto(hub.baseUrl);
    return page;
}

async function joinAs(page, name) {
    await page.locator('#join-name').fill(name);
    await page.locator('#join-button').click();
    await waitLive(page);
}

async function waitLive(page) {
    await page.locator('#chat-view').waitFor({ state: 'visible', timeout: WaitMs });
    await page.waitForSelector('#connection-state[data-state="live"]', { timeout: WaitMs });
}

async function send(page, text) {
    await page.locator('#message-input').fill(text);
    await page.locator('#message-input').press('Enter');
}

// Waits until exactly `count` messages with this exact text are shown.
async function waitForMessageText(page, text, count = 1) {
    await page.waitForFunction(([wanted, n]) => {
        const texts = [...document.querySelectorAll('#messages .message .text')].map((e) => e.textContent);
        return texts.filter((t) => t === wanted).length === n;
    }, [text, count], { timeout: WaitMs });
}

async function messageTexts(page) {
    return page.$$eval('#messages .message .text', (elements) => elements.map((e) => e.textContent));
}

async function screenshot(page, name) {
    if (ScreenshotDir)
        await page.screenshot({ path: path.join(ScreenshotDir, name + '.png') });
}

test('the hub serves the page with its security headers', async () => {
    const hub = await startHub();
    try {
        const answer = await request(hub.baseUrl, 'GET', '/');
        assert.equal(answer.status, 200);
        assert.match(answer.headers['content-type'], /text\/html/);
        assert.match(answer.headers['content-security-policy'], /script-src 'self'/);
        assert.doesNotMatch(answer.headers['content-security-policy'], /unsafe-inline/);
        assert.equal(answer.headers['x-content-type-options'], 'nosniff');
        assert.equal(answer.headers['referrer-policy'], 'no-referrer');
        for (const file of ['app.js', 'i18n.js', 'app.css', 'favicon.svg']) {
            const asset = await request(hub.baseUrl, 'GET', '/' + file);
            assert.equal(asset.status, 200, file);
        }
    } finally {
        await hub.stop();
    }
});

test('two pages and `confab join` chat in both directions', async () => {
    const hub = await startHub();
    const desk = new ConfabJoin(hub, 'Desk', tempDir('confab-web-join-'));
    try {
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        await joinAs(ana, 'Ana');
        await joinAs(bo, 'Bo');
        desk.start();
        // The terminal member shows up online on the page once its stream is open.
        await ana.waitForFunction(() => [...document.querySelectorAll('#member-list li.online .name')]
            .some((e) => e.textContent === 'Desk'), null, { timeout: WaitMs });

        // Page -> page and page -> desktop.
        await send(ana, 'hello from Ana');
        await waitForMessageText(bo, 'hello from Ana');
        await desk.waitForMessage('Ana', 'hello from Ana', WaitMs);

        // Desktop -> both pages.
        desk.send('hello from the desktop');
        await waitForMessageText(ana, 'hello from the desktop');
        await waitForMessageText(bo, 'hello from the desktop');

        // The other page answers; its own copy is shown once (pending bubble replaced, not doubled).
        await send(bo, 'hi Ana, Bo here');
        await waitForMessageText(ana, 'hi Ana, Bo here');
        await desk.waitForMessage('Bo', 'hi Ana, Bo here', WaitMs);
        await waitForMessageText(bo, 'hi Ana, Bo here', 1);
        await bo.waitForSelector('#messages .message.mine:not(.sending)', { timeout: WaitMs });

        // Members with presence: every page holds a stream, so all are online for each other.
        await ana.waitForFunction(() => {
            const online = [...document.querySelectorAll('#member-list li.online .name')].map((e) => e.textContent);
            return online.includes('Ana') && online.includes('Bo') && online.includes('Desk');
        }, null, { timeout: WaitMs });

        // Typing: Bo types, Ana sees it. Both ends send at most one typing call per 2 s, so
        // keep typing until Ana sees it.
        await bo.locator('#message-input').fill('');
        const typingSeen = ana.waitForFunction(() => document.querySelector('#typing').textContent.includes('Bo'),
            null, { timeout: WaitMs });
        let typingShown = false;
        typingSeen.then(() => { typingShown = true; }, () => {});
        for (let key = 0; key < 60 && !typingShown; ++key)
            await bo.locator('#message-input').press('x', { delay: 500 });
        await typingSeen;
        await bo.locator('#message-input').fill('');

        // Unread count in the title while the tab is hidden (headless tabs are always visible,
        // so the test makes the page believe it is hidden).
        await ana.evaluate(() => {
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
            document.dispatchEvent(new Event('visibilitychange'));
        });
        desk.send('one');
        desk.send('two');
        await ana.waitForFunction(() => document.title.startsWith('(2) '), null, { timeout: WaitMs });
        await ana.evaluate(() => {
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
            document.dispatchEvent(new Event('visibilitychange'));
        });
        await ana.waitForFunction(() => !document.title.startsWith('('), null, { timeout: WaitMs });

        // History: a page opened now shows what was said before it joined.
        const late = await openPage(hub);
        await joinAs(late, 'Late');
        await waitForMessageText(late, 'hello from Ana');
        await waitForMessageText(late, 'two');
        await screenshot(ana, 'chat-desktop');

        const quit = await desk.quit();
        assert.equal(quit.code, 0, desk.errors);
        assert.deepEqual(ana.errors || [], []);
        assert.deepEqual(bo.errors || [], []);
        await ana.context().close();
        await bo.context().close();
        await late.context().close();
    } finally {
        await desk.quit();
        await hub.stop();
    }
});

test('markup in messages, names and the room title shows as text', async () => {
    const title = '<i>Lab</i> & <u>friends</u>';
    const hub = await new Hub(tempDir('confab-web-hub-'), ['--title', title]).start(0);
    const desk = new HttpMember(hub, '<b>Mallory</b>');
    try {
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        await ana.waitForFunction((wanted) => document.querySelector('#room-summary').textContent.startsWith(wanted),
            title, { timeout: WaitMs });
        await joinAs(ana, 'Ana');
        assert.equal(await ana.locator('#room-title').textContent(), title);
        assert.equal(await ana.locator('#room-title i, #room-summary i').count(), 0);
        await joinAs(bo, 'Bo');
        await desk.join();

        const script = '<script>window.__confabInjected = 1</script>';
        await send(ana, script);
        await waitForMessageText(bo, script);
        const image = '<img src=x onerror="window.__confabInjected = 2">';
        await desk.send(image);
        await waitForMessageText(ana, image);
        await waitForMessageText(bo, image);

        for (const page of [ana, bo]) {
            assert.equal(await page.evaluate(() => window.__confabInjected), undefined);
            assert.equal(await page.locator('#messages script, #messages img, #messages b').count(), 0);
            const authors = await page.$$eval('#messages .author', (elements) => elements.map((e) => e.textContent));
            assert.ok(authors.includes('<b>Mallory</b>'), JSON.stringify(authors));
        }
        await ana.context().close();
        await bo.context().close();
    } finally {
        await hub.stop();
    }
});

test('the page recovers after the hub restarts', async () => {
    const hub = await startHub();
    const port = hub.port;
    try {
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        await joinAs(ana, 'Ana');
        await joinAs(bo, 'Bo');
        await send(ana, 'before the restart');
        await waitForMessageText(bo, 'before the restart');

        await hub.stop();
        await ana.waitForFunction(() => document.querySelector('#connection-state').dataset.state !== 'live',
            null, { timeout: WaitMs });
        await screenshot(ana, 'hub-stopped');

        await hub.start(port); // same port, same data dir: tokens and history survive
        await waitLive(ana);
        await waitLive(bo);

        await send(bo, 'after the restart');
        await waitForMessageText(ana, 'after the restart');
        await send(ana, 'and back');
        await waitForMessageText(bo, 'and back');
        // Resuming with Last-Event-ID neither lost nor repeated anything.
        await waitForMessageText(ana, 'before the restart', 1);
        await waitForMessageText(bo, 'before the restart', 1);

        // A reload resumes the stored session: no join form, same history.
        await ana.reload();
        await waitLive(ana);
        assert.equal(await ana.locator('#join-view').isVisible(), false);
        await waitForMessageText(ana, 'and back', 1);
        const texts = await messageTexts(ana);
        assert.deepEqual(texts.filter((t) => t.endsWith('restart')), ['before the restart', 'after the restart']);
        assert.deepEqual(ana.errors || [], []);
        assert.deepEqual(bo.errors || [], []);
        await ana.context().close();
        await bo.context().close();
    } finally {
        await hub.stop();
    }
});

test('a message sent while the hub is away is delivered once, when it is back', async () => {
    const hub = await startHub();
    const port = hub.port;
    try {
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        await joinAs(ana, 'Ana');
        await joinAs(bo, 'Bo');

        await hub.stop();
        await send(ana, 'sent while the hub was away');
        await ana.waitForSelector('#messages .message.mine.sending', { timeout: WaitMs });
        await screenshot(ana, 'sending-offline');
        await hub.start(port);
        // The page retries by itself for a while; if the hub took longer to come back, the
        // message is marked failed and a tap sends it again (same clientId, so never twice).
        await ana.waitForSelector('#messages .message.mine:not(.sending)', { timeout: WaitMs });
        if (await ana.locator('#messages .message.failed').count() > 0)
            await ana.locator('#messages .message.failed').click();
        await waitForMessageText(bo, 'sent while the hub was away', 1);
        await waitForMessageText(ana, 'sent while the hub was away', 1);
        await ana.waitForSelector('#messages .message.mine:not(.sending):not(.failed)', { timeout: WaitMs });
        await ana.context().close();
        await bo.context().close();
    } finally {
        await hub.stop();
    }
});

test('the page reloads history when the hub answers `reset`', async () => {
    const hub = await startHub();
    const port = hub.port;
    const snapshot = tempDir('confab-web-snapshot-');
    try {
        const ana = await openPage(hub);
        await joinAs(ana, 'Ana');
        await send(ana, 'kept');
        await waitForMessageText(ana, 'kept');
        await ana.waitForSelector('#messages .message.mine:not(.sending)', { timeout: WaitMs });

        // Snapshot the hub's data (Ana's session and 'kept'), then let the room move on.
        await hub.stop();
        fs.cpSync(hub.dataDir, snapshot, { recursive: true });
        await hub.start(port);
        await waitLive(ana);
        await send(ana, 'forgotten');
        await waitForMessageText(ana, 'forgotten');
        await ana.waitForSelector('#messages .message.mine:not(.sending):last-child', { timeout: WaitMs });

        // Bring back the older database: the page resumes from an id the hub never reached,
        // the hub answers `reset`, and the page shows the hub's history instead of its own.
        await hub.stop();
        fs.rmSync(hub.dataDir, { recursive: true, force: true });
        fs.cpSync(snapshot, hub.dataDir, { recursive: true });
        await hub.start(port);
        await ana.waitForFunction(() => {
            const texts = [...document.querySelectorAll('#messages .message .text')].map((e) => e.textContent);
            const notices = [...document.querySelectorAll('#messages .notice')].map((e) => e.textContent);
            return texts.includes('kept') && !texts.includes('forgotten')
                && notices.includes('The hub’s history changed; reloaded.');
        }, null, { timeout: WaitMs });
        await waitLive(ana);
        await send(ana, 'after the reset');
        await waitForMessageText(ana, 'after the reset', 1);
        await ana.context().close();
    } finally {
        await hub.stop();
    }
});

test('a tab shown again after a long time hidden reopens its stream and catches up', async () => {
    const hub = await startHub();
    const desk = new HttpMember(hub, 'Desk');
    try {
        const context = await browser.newContext({ locale: 'en-US' });
        // Count the streams the page opens (an EventSource cannot tell a silently dead link).
        await context.addInitScript(() => {
            const Original = window.EventSource;
            window.__streamsOpened = 0;
            window.EventSource = class extends Original {
                constructor(...args) {
                    super(...args);
                    window.__streamsOpened += 1;
                }
            };
        });
        const ana = await context.newPage();
        await ana.goto(hub.baseUrl);
        await joinAs(ana, 'Ana');
        await desk.join();
        assert.equal(await ana.evaluate(() => window.__streamsOpened), 1);

        // Hidden, then shown again "a minute later" (the page's clock is moved on).
        await ana.evaluate(() => {
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
            document.dispatchEvent(new Event('visibilitychange'));
        });
        await desk.send('while you were away');
        await ana.evaluate(() => {
            const realNow = Date.now.bind(Date);
            Date.now = () => realNow() + 60000;
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
            document.dispatchEvent(new Event('visibilitychange'));
        });
        await ana.waitForFunction(() => window.__streamsOpened === 2, null, { timeout: WaitMs });
        await waitLive(ana);
        await waitForMessageText(ana, 'while you were away', 1);
        await desk.send('and now');
        await waitForMessageText(ana, 'and now', 1);
        await context.close();
    } finally {
        await hub.stop();
    }
});

test('a locked room asks for its password, and names are unique', async () => {
    const dataDir = tempDir('confab-web-locked-');
    const passwordFile = path.join(dataDir, 'password.txt');
    fs.writeFileSync(passwordFile, 'open sesame\n');
    const hub = await new Hub(dataDir, ['--password-file', passwordFile]).start(0);
    try {
        const ana = await openPage(hub);
        await ana.locator('#password-field').waitFor({ state: 'visible', timeout: WaitMs });
        await ana.locator('#join-name').fill('Ana');
        await ana.locator('#join-password').fill('wrong');
        await ana.locator('#join-button').click();
        await ana.waitForFunction(() => document.querySelector('#join-error').textContent === 'Wrong password.',
            null, { timeout: WaitMs });
        await ana.locator('#join-password').fill('open sesame');
        await ana.locator('#join-button').click();
        await waitLive(ana);

        const twin = await openPage(hub);
        await twin.locator('#join-name').fill('ana');
        await twin.locator('#join-password').fill('open sesame');
        await twin.locator('#join-button').click();
        await twin.waitForFunction(() => document.querySelector('#join-error').textContent
            === 'Someone online already uses that name.', null, { timeout: WaitMs });
        await ana.context().close();
        await twin.context().close();
    } finally {
        await hub.stop();
    }
});

test('Simplified Chinese follows the browser language, and the page fits a phone', async () => {
    const hub = await startHub();
    try {
        const phone = await openPage(hub, {
            locale: 'zh-CN', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
            deviceScaleFactor: 2,
        });
        assert.equal(await phone.locator('#join-button').textContent(), '加入');
        assert.equal(await phone.evaluate(() => document.documentElement.lang), 'zh-CN');
        await screenshot(phone, 'phone-join');
        await joinAs(phone, '小明');
        assert.equal(await phone.locator('#connection-state').textContent(), '已连接');
        await send(phone, '你好，大家好！ This is a long line that has to wrap on a small screen without scrolling sideways.');
        await waitForMessageText(phone, '你好，大家好！ This is a long line that has to wrap on a small screen without scrolling sideways.');
        const layout = await phone.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            width: window.innerWidth,
            composerBottom: document.querySelector('#composer').getBoundingClientRect().bottom,
            height: window.innerHeight,
        }));
        assert.ok(layout.scrollWidth <= layout.width, JSON.stringify(layout));
        assert.ok(layout.composerBottom <= layout.height + 1, JSON.stringify(layout));
        // The member list is behind a button on a phone.
        assert.equal(await phone.locator('#members-panel').isVisible(), false);
        await phone.locator('#members-toggle').click();
        assert.equal(await phone.locator('#members-panel').isVisible(), true);
        await screenshot(phone, 'phone-chat');
        assert.deepEqual(phone.errors || [], []);
        await phone.context().close();
    } finally {
        await hub.stop();
    }
});
