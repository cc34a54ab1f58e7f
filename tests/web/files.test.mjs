// Files (issue 15, docs/protocol.md "Files"): a tus client that is not ours (tus-js-client's node
// build, the same npm package the page vendors) against a real `confab serve`, and the web page
// in headless Debian chromium: attach, paste, drop, progress, cancel, resume after a reload,
// thumbnails, downloads, and a member outside a DM who cannot fetch its files.
// Run by ctest (web_files) through run-tests.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import tusClient from 'tus-js-client';
import { Hub, request } from './hub.mjs';

const { Upload } = tusClient;
const Here = path.dirname(fileURLToPath(import.meta.url));
const Chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WaitMs = 30000; // generous: sanitizer build, 2 shared cores
const ScreenshotDir = process.env.CONFAB_WEB_SCREENSHOTS || '';
const LaunchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'];
const MiB = 1024 * 1024;

let browser;
const tempDirs = [];

function tempDir(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
}

before(async () => {
    browser = await chromium.launch({ executablePath: Chromium, headless: true, args: LaunchArgs });
});

after(async () => {
    if (browser)
        await browser.close();
    for (const dir of tempDirs)
        fs.rmSync(dir, { recursive: true, force: true });
});

function sha256(bytes) {
    return crypto.createHash('sha256').update(bytes).digest('hex');
}

async function startHub() {
    return new Hub(tempDir('confab-files-hub-')).start(0);
}

// Every test starts by asking the hub for its tus capabilities: a hub that lost its files routes
// fails here, with the status it gave, before any page is opened.
async function expectFilesRoutes(hub) {
    const answer = await request(hub.baseUrl, 'OPTIONS', '/api/v2/uploads');
    assert.equal(answer.status, 204, 'OPTIONS /api/v2/uploads');
}

async function signIn(hub, name) {
    const answer = await request(hub.baseUrl, 'POST', '/api/v2/session', { body: { name } });
    assert.equal(answer.status, 201, answer.text);
    return { token: answer.json.token, member: answer.json.member };
}

// A file answer as bytes (hub.mjs's request() reads text).
async function download(hub, filePath, headers = {}) {
    const response = await fetch(new URL(filePath, hub.baseUrl), { headers });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

// ---- tus-js-client (node) against the hub ---------------------------------------------------

test('tus-js-client uploads in chunks, resumes from its URL after an abort, and a ranged download matches', async (t) => {
    const hub = await startHub();
    try {
        await expectFilesRoutes(hub);
        const ana = await signIn(hub, 'Ana');
        const bo = await signIn(hub, 'Bo');
        const dir = tempDir('confab-files-src-');
        const name = 'measurements – 测量.bin';
        const source = path.join(dir, name);
        const bytes = crypto.randomBytes(5 * MiB + 12345); // 6 PATCHes of 1 MiB at most
        fs.writeFileSync(source, bytes);
        const options = (extra) => ({
            endpoint: new URL('/api/v2/uploads', hub.baseUrl).href,
            chunkSize: MiB,
            retryDelays: null, // any failure fails the test at once
            headers: { Authorization: 'Bearer ' + ana.token },
            metadata: { filename: name, conversation: 'lobby', filetype: 'application/octet-stream' },
            ...extra,
        });

        // Interrupted after two chunks (abort stops before the next PATCH).
        const first = await new Promise((resolve, reject) => {
            let stopped = false;
            const upload = new Upload(fs.createReadStream(source), options({
                onChunkComplete: (size, accepted) => {
                    if (!stopped && accepted >= 2 * MiB) {
                        stopped = true;
                        upload.abort().then(() => resolve({ url: upload.url, accepted }), reject);
                    }
                },
                onSuccess: () => reject(new Error('the first upload was meant to be interrupted')),
                onError: reject,
            }));
            upload.start();
        });
        assert.equal(first.accepted, 2 * MiB);
        const uploadPath = new URL(first.url).pathname;
        assert.match(uploadPath, /^\/api\/v2\/uploads\/u_[0-9a-f]{32}$/);
        const tusHeaders = { 'Tus-Resumable': '1.0.0' };
        const head = await request(hub.baseUrl, 'HEAD', uploadPath, { token: ana.token, headers: tusHeaders });
        assert.equal(head.status, 200);
        assert.equal(head.headers['upload-offset'], String(2 * MiB));
        assert.equal(head.headers['upload-length'], String(bytes.length));
        // Someone else's unfinished upload does not exist for them.
        assert.equal((await request(hub.baseUrl, 'HEAD', uploadPath, { token: bo.token, headers: tusHeaders })).status, 404);

        // A new Upload from the URL: HEAD, then PATCHes from the hub's offset, no new upload.
        const requests = [];
        let fileId = '';
        let messageId = '';
        await new Promise((resolve, reject) => {
            const upload = new Upload(fs.createReadStream(source), options({
                uploadUrl: first.url,
                onBeforeRequest: (req) => requests.push({ method: req.getMethod(), offset: req.getHeader('Upload-Offset') }),
                onAfterResponse: (req, res) => {
                    fileId = res.getHeader('Confab-File-Id') || fileId;
                    messageId = res.getHeader('Confab-Message-Id') || messageId;
                },
                onSuccess: resolve,
                onError: reject,
            }));
            upload.start();
        });
        assert.equal(requests[0].method, 'HEAD');
        assert.deepEqual(requests.slice(1).map((r) => r.method), ['PATCH', 'PATCH', 'PATCH', 'PATCH']);
        assert.equal(requests[1].offset, String(2 * MiB));
        assert.match(fileId, /^f_[0-9a-f]{16}$/);
        assert.match(messageId, /^\d+$/);

        // The message it posted, seen by another member of the channel.
        const page = await request(hub.baseUrl, 'GET', '/api/v2/conversations/lobby/messages?limit=5', { token: bo.token });
        assert.equal(page.status, 200);
        const message = page.json.events.map((e) => e.data).find((m) => String(m.id) === messageId);
        assert.ok(message, JSON.stringify(page.json.events));
        assert.equal(message.text, name);
        assert.equal(message.file.id, fileId);
        assert.equal(message.file.name, name);
        assert.equal(message.file.size, bytes.length);
        assert.equal(message.file.sha256, sha256(bytes));
        assert.equal(message.file.thumbnail, false);

        // Downloaded by Bo in two ranges, then whole: the same bytes.
        const auth = { Authorization: 'Bearer ' + bo.token };
        const cut = 3 * MiB;
        const head1 = await download(hub, `/api/v2/files/${fileId}`, { ...auth, Range: `bytes=0-${cut - 1}` });
        const tail1 = await download(hub, `/api/v2/files/${fileId}`, { ...auth, Range: `bytes=${cut}-` });
        assert.equal(head1.status, 206);
        assert.equal(head1.headers.get('content-range'), `bytes 0-${cut - 1}/${bytes.length}`);
        assert.equal(tail1.status, 206);
        assert.equal(tail1.headers.get('content-range'), `bytes ${cut}-${bytes.length - 1}/${bytes.length}`);
        assert.equal(sha256(Buffer.concat([head1.bytes, tail1.bytes])), sha256(bytes));
        const whole = await download(hub, `/api/v2/files/${fileId}`, auth);
        assert.equal(whole.status, 200);
        assert.equal(whole.headers.get('accept-ranges'), 'bytes');
        assert.equal(whole.headers.get('etag'), `"${sha256(bytes)}"`);
        assert.equal(sha256(whole.bytes), sha256(bytes));
    } finally {
        await hub.stop();
    }
});

test('the page\'s tus client is the npm package\'s browser build, served by the hub', async () => {
    const hub = await startHub();
    try {
        const served = await download(hub, '/vendor/tus.min.js');
        assert.equal(served.status, 200);
        assert.match(served.headers.get('content-type'), /javascript/);
        // update.sh copies it byte for byte; the version pinned there and in package.json agree.
        const npm = fs.readFileSync(path.join(Here, 'node_modules/tus-js-client/dist/tus.min.js'));
        assert.ok(served.bytes.equals(npm), 'resources/web/vendor/tus.min.js differs from tus-js-client in package-lock.json: run resources/web/vendor/update.sh');
        const license = await download(hub, '/vendor/tus-js-client-LICENSE.txt');
        assert.equal(license.status, 200);
        assert.match(license.bytes.toString('utf8'), /MIT License/);
    } finally {
        await hub.stop();
    }
});

// ---- the web page ---------------------------------------------------------------------------

async function openPage(hub, options = {}) {
    const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true, ...options });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
        page.errors = (page.errors || []).concat(String(error));
    });
    page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
            page.errors = (page.errors || []).concat(message.text());
    });
    // Every request the page makes, for the checks on cookies and resumes.
    page.requests = [];
    page.on('request', (req) => page.requests.push({ method: req.method(), url: req.url(), headers: req.headers() }));
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
    await page.waitForSelector('#connection-state[data-state="live"]', { state: 'attached', timeout: WaitMs });
}

async function pageSession(page) {
    return page.evaluate(() => JSON.parse(localStorage.getItem('confab.session')));
}

async function openConversation(page, title) {
    await page.locator('.conversation-row').filter({ has: page.locator('.name', { hasText: title }) }).first().click({ timeout: WaitMs });
    await page.waitForFunction((wanted) => document.querySelector('#room-title').textContent === wanted,
        title, { timeout: WaitMs });
}

async function messageSomeone(page, name) {
    await page.locator('#message-button').click();
    const person = page.locator('#people-list .member-button').filter({ hasText: name });
    await person.waitFor({ timeout: WaitMs });
    await person.click();
    await page.waitForFunction((wanted) => document.querySelector('#room-title').textContent === wanted,
        name, { timeout: WaitMs });
}

// The attachment of the message whose file has this name, once shown; for an image, once its
// thumbnail has loaded.
async function waitAttachment(page, name, { image = false } = {}) {
    await page.waitForFunction(([wanted, isImage]) => {
        const box = [...document.querySelectorAll('#messages .message .file')]
            .find((b) => b.querySelector('.file-name').textContent === wanted);
        if (!box)
            return false;
        if (!isImage)
            return true;
        const img = box.querySelector('img.thumbnail');
        return Boolean(img && img.complete && img.naturalWidth > 0);
    }, [name, image], { timeout: WaitMs });
    return page.evaluate((wanted) => {
        const box = [...document.querySelectorAll('#messages .message .file')]
            .find((b) => b.querySelector('.file-name').textContent === wanted);
        const img = box.querySelector('img.thumbnail');
        return {
            id: box.dataset.fileId,
            size: box.querySelector('.file-size').textContent,
            href: box.querySelector('a.file-download').getAttribute('href'),
            naturalWidth: img ? img.naturalWidth : 0,
            width: img ? img.width : 0,
            card: box.classList.contains('file-card'),
        };
    }, name);
}

// A PNG drawn by the browser (a gradient with a circle), as bytes.
async function makePng(page, width, height, hue) {
    const base64 = await page.evaluate(async ([w, h, color]) => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const g = canvas.getContext('2d');
        const gradient = g.createLinearGradient(0, 0, w, h);
        gradient.addColorStop(0, `hsl(${color}, 80%, 60%)`);
        gradient.addColorStop(1, `hsl(${color + 120}, 70%, 35%)`);
        g.fillStyle = gradient;
        g.fillRect(0, 0, w, h);
        g.fillStyle = 'rgba(255, 255, 255, 0.8)';
        g.beginPath();
        g.arc(w * 0.7, h * 0.35, Math.min(w, h) * 0.18, 0, Math.PI * 2);
        g.fill();
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let binary = '';
        for (const b of bytes)
            binary += String.fromCharCode(b);
        return btoa(binary);
    }, [width, height, hue]);
    return Buffer.from(base64, 'base64');
}

// Pastes (or drops) files into the page as a user's clipboard (or drag) would deliver them.
async function pasteFiles(page, files, { drop = false } = {}) {
    await page.evaluate(([list, asDrop]) => {
        const data = new DataTransfer();
        for (const f of list)
            data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
        if (asDrop) {
            const target = document.querySelector('#timeline');
            target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
            window.__dropShown = !document.querySelector('#drop-zone').hidden
                && document.querySelector('#drop-text').textContent;
            target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        } else {
            document.querySelector('#message-input').dispatchEvent(
                new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }
    }, [files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })), drop]);
}

async function screenshot(page, name) {
    if (ScreenshotDir)
        await page.screenshot({ path: path.join(ScreenshotDir, name + '.png') });
}

test('the page sends files: a DM\'s image and file reach the other member only; paste, drop, cancel; a new cookie after a lost one', async (t) => {
    const hub = await startHub();
    try {
        await expectFilesRoutes(hub);
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        const cy = await openPage(hub);
        await joinAs(ana, 'Ana');
        await joinAs(bo, 'Bo');
        await joinAs(cy, 'Cy');
        // Each page asked for the files cookie on signing in.
        for (const page of [ana, bo, cy])
            assert.ok(page.requests.some((r) => r.method === 'POST' && r.url.endsWith('/api/v2/session/cookie')));

        // Ana attaches a PNG and a text file in her DM with Bo, through the file input.
        await messageSomeone(ana, 'Bo');
        const png = await makePng(ana, 400, 240, 200);
        const notes = Buffer.from('Minutes of the meeting\n会议记录\n'.repeat(200), 'utf8');
        const notesName = '会议记录 notes.txt';
        await ana.locator('#file-input').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png });
        const anaImage = await waitAttachment(ana, 'sunset.png', { image: true });
        await ana.locator('#file-input').setInputFiles({ name: notesName, mimeType: 'text/plain', buffer: notes });
        await waitAttachment(ana, notesName);
        await ana.locator('#uploads').waitFor({ state: 'hidden', timeout: WaitMs });

        // Bo sees the thumbnail (320 px wide at most) and a card with a download link.
        await bo.locator('#dm-list .name', { hasText: 'Ana' }).waitFor({ timeout: WaitMs });
        await openConversation(bo, 'Ana');
        const image = await waitAttachment(bo, 'sunset.png', { image: true });
        assert.equal(image.id, anaImage.id);
        assert.ok(image.naturalWidth > 0 && image.naturalWidth <= 320, JSON.stringify(image));
        assert.equal(image.width, 320); // reserved from the image's size before it loaded
        const card = await waitAttachment(bo, notesName);
        assert.equal(card.card, true);
        assert.equal(card.href, `/api/v2/files/${card.id}`);
        assert.equal(card.size, (notes.length / 1024).toFixed(1) + ' KiB'); // under 100 KiB: one decimal
        const [saved] = await Promise.all([
            bo.waitForEvent('download', { timeout: WaitMs }),
            bo.locator('.file-card a.file-download').click(),
        ]);
        assert.equal(saved.suggestedFilename(), notesName);
        assert.ok(fs.readFileSync(await saved.path()).equals(notes), 'the downloaded file has the uploaded bytes');
        // The thumbnail opens the whole image over the page.
        await bo.locator('.thumb-link').click();
        await bo.waitForFunction(() => {
            const img = document.querySelector('#image-full');
            return document.querySelector('#image-dialog').open && img.complete && img.naturalWidth === 400;
        }, null, { timeout: WaitMs });
        await screenshot(bo, 'files-desktop-image-open');
        await bo.keyboard.press('Escape');
        await screenshot(bo, 'files-desktop-dm');

        // Cy is not in the DM: its files do not exist for him, cookie or not...
        for (const suffix of ['', '/thumbnail']) {
            const status = await cy.evaluate((url) => fetch(url).then((r) => r.status), `/api/v2/files/${image.id}${suffix}`);
            assert.equal(status, 404, suffix);
        }
        assert.equal(await cy.evaluate((url) => fetch(url).then((r) => r.status), `/api/v2/files/${card.id}`), 404);
        // ...while his cookie works for a file of a channel he is in: Ana pastes a screenshot
        // into lobby ("image.png" from the clipboard gets a name with the time).
        await openConversation(ana, 'lobby');
        const shot = await makePng(ana, 200, 150, 30);
        await pasteFiles(ana, [{ name: 'image.png', type: 'image/png', bytes: shot }]);
        await cy.waitForFunction(() => {
            const img = document.querySelector('#messages .file img.thumbnail');
            return img && img.complete && img.naturalWidth === 200;
        }, null, { timeout: WaitMs });
        const pasted = await cy.evaluate(() => {
            const box = document.querySelector('#messages .file');
            return { id: box.dataset.fileId, name: box.querySelector('.file-name').textContent };
        });
        assert.match(pasted.name, /^pasted-\d{8}-\d{6}\.png$/);
        const fetched = await cy.evaluate(async (url) => {
            const response = await fetch(url);
            return { status: response.status, size: (await response.arrayBuffer()).byteLength };
        }, `/api/v2/files/${pasted.id}`);
        assert.deepEqual(fetched, { status: 200, size: shot.length });

        // Bo loses his cookie: the next image asks for a new one once, and shows. (Ana drops it.)
        await bo.context().clearCookies();
        const cookieCalls = () => bo.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v2/session/cookie')).length;
        const before = cookieCalls();
        await openConversation(ana, 'Bo');
        const dropped = await makePng(ana, 300, 300, 100);
        await pasteFiles(ana, [{ name: 'dropped.png', type: 'image/png', bytes: dropped }], { drop: true });
        assert.equal(await ana.evaluate(() => window.__dropShown), 'Drop files to send them to Bo');
        await waitAttachment(bo, 'dropped.png', { image: true });
        assert.equal(cookieCalls(), before + 1);

        // Cancel: the PATCH is held back, so the row stays; × drops it on the hub (termination).
        const held = [];
        await ana.route('**/api/v2/uploads/*', (route) => {
            if (route.request().method() === 'PATCH')
                held.push(route);
            else
                route.continue();
        });
        await ana.locator('#file-input').setInputFiles({ name: 'never.bin', mimeType: 'application/octet-stream', buffer: crypto.randomBytes(300000) });
        const row = ana.locator('#uploads .upload', { hasText: 'never.bin' });
        await row.waitFor({ timeout: WaitMs });
        await waitUntil(() => held.length === 1, 'the PATCH');
        await screenshot(ana, 'files-desktop-uploading');
        const uploadUrl = held[0].request().url();
        await row.locator('.upload-cancel').click();
        await row.waitFor({ state: 'detached', timeout: WaitMs });
        await waitUntil(() => ana.requests.some((r) => r.method === 'DELETE' && r.url === uploadUrl), 'the DELETE');
        await ana.unrouteAll({ behavior: 'ignoreErrors' });
        const { token } = await pageSession(ana);
        await waitUntil(async () => (await request(hub.baseUrl, 'HEAD', new URL(uploadUrl).pathname,
            { token, headers: { 'Tus-Resumable': '1.0.0' } })).status === 404, 'the upload gone');
        assert.equal(await ana.locator('#uploads').isVisible(), false);
        assert.equal(await bo.locator('.file-name', { hasText: 'never.bin' }).count(), 0);

        for (const page of [ana, bo, cy])
            assert.deepEqual(page.errors || [], []);
    } finally {
        await hub.stop();
    }
});

async function waitUntil(condition, what, timeoutMs = WaitMs) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline)
            throw new Error('timed out: ' + what);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

test('sizes read the same as in the window (binary units), in English and Chinese', async () => {
    const hub = await startHub();
    try {
        // The same table as tests/app/tst_transferfigures.cpp (app/datasize.cpp).
        const table = [
            [0, '0 B'], [-5, '0 B'], [512, '512 B'], [1023, '1023 B'], [1024, '1.0 KiB'],
            [1536, '1.5 KiB'], [180000, '176 KiB'], [1048575, '1.0 MiB'], [12900000, '12.3 MiB'],
            [512 * MiB, '512 MiB'], [4 * 1024 * MiB, '4.0 GiB'], [3 * 1024 * 1024 * MiB, '3.0 TiB'],
            [2048 * 1024 * 1024 * MiB, '2048 TiB'],
        ];
        for (const locale of ['en-US', 'zh-CN']) {
            const page = await openPage(hub, { locale });
            const shown = await page.evaluate((sizes) => sizes.map((n) => window.ConfabI18n.formatSize(n)),
                table.map(([bytes]) => bytes));
            assert.deepEqual(shown, table.map(([, text]) => text), locale);
            await page.context().close();
        }
    } finally {
        await hub.stop();
    }
});

test('an upload paused in the page stops, and resumed goes on from the hub\'s offset to the right file', async (t) => {
    const hub = await startHub();
    try {
        await expectFilesRoutes(hub);
        for (const locale of ['en-US', 'zh-CN']) {
            const ana = await openPage(hub, { locale });
            await joinAs(ana, locale === 'en-US' ? 'Ana' : '安娜');
            const dir = tempDir('confab-files-pause-');
            const name = locale === 'en-US' ? 'survey.zip' : '调查.zip';
            const source = path.join(dir, name);
            const bytes = crypto.randomBytes(8 * MiB);
            fs.writeFileSync(source, bytes);
            // Slow enough to pause in the middle.
            const cdp = await ana.context().newCDPSession(ana);
            await cdp.send('Network.emulateNetworkConditions',
                { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * MiB });
            await ana.locator('#file-input').setInputFiles(source);
            const row = ana.locator('#uploads .upload');
            await ana.waitForFunction(() => {
                const bar = document.querySelector('#uploads .upload-bar');
                return bar && bar.value > bar.max * 0.15;
            }, null, { timeout: WaitMs });
            const pause = row.locator('.upload-pause');
            assert.equal(await pause.textContent(), locale === 'en-US' ? 'Pause' : '暂停');
            await pause.click();
            await ana.locator('#uploads .upload[data-state="paused"]').waitFor({ timeout: WaitMs });
            assert.equal(await pause.textContent(), locale === 'en-US' ? 'Resume' : '继续');
            assert.match(await row.locator('.upload-status').textContent(),
                locale === 'en-US' ? /^Paused at \d+%$/ : /^已暂停（\d+%）$/);
            assert.equal(await row.locator('.upload-cancel').isVisible(), true);

            // Paused means stopped: neither the hub's offset nor the bar moves.
            const uploadUrl = ana.requests.find((r) => r.method === 'PATCH' && r.url.includes('/api/v2/uploads/')).url;
            const { token } = await pageSession(ana);
            const offsetNow = async () => {
                const answer = await request(hub.baseUrl, 'HEAD', new URL(uploadUrl).pathname,
                    { token, headers: { 'Tus-Resumable': '1.0.0' } });
                assert.equal(answer.status, 200);
                return Number(answer.headers['upload-offset']);
            };
            await new Promise((resolve) => setTimeout(resolve, 500)); // the cut PATCH is over
            const pausedAt = await offsetNow();
            const barAt = await row.locator('.upload-bar').evaluate((bar) => bar.value);
            await new Promise((resolve) => setTimeout(resolve, 1500));
            assert.equal(await offsetNow(), pausedAt);
            assert.equal(await row.locator('.upload-bar').evaluate((bar) => bar.value), barAt);
            assert.ok(pausedAt > 0 && pausedAt < bytes.length, String(pausedAt));
            await screenshot(ana, `files-upload-paused-${locale}`);

            // Resumed: the same upload (no second POST) asks where the hub is and sends the rest.
            await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
            ana.requests = [];
            await pause.click();
            const shown = await waitAttachment(ana, name);
            const tus = ana.requests.filter((r) => r.url.includes('/api/v2/uploads') && r.method !== 'OPTIONS');
            assert.equal(tus[0].method, 'HEAD', JSON.stringify(tus));
            assert.equal(tus[0].url, uploadUrl);
            const patches = tus.filter((r) => r.method === 'PATCH');
            assert.ok(patches.length >= 1 && patches.every((r) => r.url === uploadUrl), JSON.stringify(tus));
            assert.equal(Number(patches[0].headers['upload-offset']), pausedAt);
            assert.equal(tus.filter((r) => r.method === 'POST').length, 0, JSON.stringify(tus));
            const whole = await download(hub, `/api/v2/files/${shown.id}`, { Authorization: 'Bearer ' + token });
            assert.equal(sha256(whole.bytes), sha256(bytes));
            await row.waitFor({ state: 'detached', timeout: WaitMs });
            assert.deepEqual(ana.errors || [], []);
            await ana.context().close();
        }
    } finally {
        await hub.stop();
    }
});

test('an upload cut by a reload resumes where the hub stopped when the same file is chosen again', async (t) => {
    const hub = await startHub();
    try {
        await expectFilesRoutes(hub);
        const ana = await openPage(hub);
        await joinAs(ana, 'Ana');
        const dir = tempDir('confab-files-resume-');
        const source = path.join(dir, 'archive.tar');
        const bytes = crypto.randomBytes(3 * MiB);
        fs.writeFileSync(source, bytes);

        // The page's PATCH is held back; meanwhile the hub gets the first MiB of it (as if the
        // connection broke after that much), then the page is reloaded. (The held request dies
        // with the page: never released, so that no byte of it reaches the hub.)
        const held = [];
        let release = false;
        await ana.route('**/api/v2/uploads/*', (route) => {
            if (route.request().method() === 'PATCH' && !release)
                held.push(route);
            else
                route.continue();
        });
        await ana.locator('#file-input').setInputFiles(source);
        await waitUntil(() => held.length === 1, 'the PATCH');
        const uploadUrl = held[0].request().url();
        const { token } = await pageSession(ana);
        const partial = await fetch(uploadUrl, {
            method: 'PATCH',
            headers: {
                Authorization: 'Bearer ' + token, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0',
                'Content-Type': 'application/offset+octet-stream',
            },
            body: bytes.subarray(0, MiB),
        });
        assert.equal(partial.status, 204);
        assert.equal(partial.headers.get('upload-offset'), String(MiB));
        // Besides: a week-old stored upload of the page is forgotten on the next start; another
        // application's entry on the same origin is left alone.
        await ana.evaluate(() => {
            const old = JSON.stringify({ size: 1, creationTime: new Date(Date.now() - 8 * 86400000).toString(), uploadUrl: '/x' });
            localStorage.setItem('tus::confab/m_1/lobby/old.bin/::1', old);
            localStorage.setItem('tus::someone-else::2', old);
        });
        release = true;
        await ana.reload();
        await waitLive(ana);
        assert.equal(await ana.locator('#uploads .upload').count(), 0);
        assert.equal(held.length, 1);
        const stored = await ana.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')));
        assert.equal(stored.length, 2, JSON.stringify(stored));
        assert.ok(stored.includes('tus::someone-else::2'), JSON.stringify(stored));
        assert.ok(stored.some((k) => k.startsWith('tus::confab/') && k.includes('/lobby/archive.tar/')), JSON.stringify(stored));

        // Chosen again: the page asks the hub where it stopped and sends the rest, no new upload.
        ana.requests = [];
        await ana.locator('#file-input').setInputFiles(source);
        const shown = await waitAttachment(ana, 'archive.tar');
        const tus = ana.requests.filter((r) => r.url.includes('/api/v2/uploads') && r.method !== 'OPTIONS');
        assert.deepEqual(tus.map((r) => r.method), ['HEAD', 'PATCH'], JSON.stringify(tus));
        assert.equal(tus[0].url, uploadUrl);
        assert.equal(tus[1].headers['upload-offset'], String(MiB));
        const whole = await download(hub, `/api/v2/files/${shown.id}`, { Authorization: 'Bearer ' + token });
        assert.equal(sha256(whole.bytes), sha256(bytes));
        // Finished: nothing is kept for resuming.
        assert.deepEqual(await ana.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::'))), ['tus::someone-else::2']);
        assert.deepEqual(ana.errors || [], []);
    } finally {
        await hub.stop();
    }
});

test('a file too large for the hub is refused in its row, with the limit; phones in English and Chinese, a desktop in Chinese', async (t) => {
    const hub = await new Hub(tempDir('confab-files-hub-'), ['--max-file-bytes', '1000000']).start(0);
    try {
        await expectFilesRoutes(hub);
        const desk = await openPage(hub, { locale: 'zh-CN' });
        await joinAs(desk, '安娜');
        const png = await makePng(desk, 640, 480, 260);
        await desk.locator('#file-input').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: png });
        await waitAttachment(desk, 'harbour.png', { image: true });
        await desk.locator('#file-input').setInputFiles({ name: 'report-2026.pdf', mimeType: 'application/pdf', buffer: crypto.randomBytes(180000) });
        await waitAttachment(desk, 'report-2026.pdf');

        for (const locale of ['en-US', 'zh-CN']) {
            const phone = await openPage(hub, {
                locale, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
            });
            await joinAs(phone, locale === 'en-US' ? 'Bo' : '小明');
            await openConversation(phone, 'lobby');
            await waitAttachment(phone, 'harbour.png', { image: true });
            await waitAttachment(phone, 'report-2026.pdf');
            // Too large: refused before sending, in the row, with both sizes; no retry offered.
            await phone.locator('#file-input').setInputFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(1500000, 1) });
            const row = phone.locator('#uploads .upload[data-state="failed"]');
            await row.waitFor({ timeout: WaitMs });
            const status = await row.locator('.upload-status').textContent();
            assert.match(status, locale === 'en-US' ? /^Not sent: 1\.4 MiB is more than this hub takes \(977 KiB at most\)\.$/ : /^未发送：文件大小 1\.4 MiB，此服务器只接受不超过 977 KiB 的文件。$/);
            assert.equal(await row.locator('.upload-retry').isVisible(), false);
            const layout = await phone.evaluate(() => ({
                scrollWidth: document.documentElement.scrollWidth,
                width: window.innerWidth,
                composerBottom: document.querySelector('#composer').getBoundingClientRect().bottom,
                height: window.innerHeight,
                thumbnailRight: document.querySelector('#messages img.thumbnail').getBoundingClientRect().right,
            }));
            assert.ok(layout.scrollWidth <= layout.width, JSON.stringify(layout));
            assert.ok(layout.composerBottom <= layout.height + 1, JSON.stringify(layout));
            assert.ok(layout.thumbnailRight <= layout.width, JSON.stringify(layout));
            await screenshot(phone, `files-phone-${locale}`);
            await row.locator('.upload-cancel').click();
            await row.waitFor({ state: 'detached', timeout: WaitMs });
            await phone.locator('.thumb-link').first().click();
            await phone.waitForFunction(() => {
                const img = document.querySelector('#image-full');
                return document.querySelector('#image-dialog').open && img.complete && img.naturalWidth === 640;
            }, null, { timeout: WaitMs });
            const box = await phone.locator('#image-dialog').boundingBox();
            assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
            await screenshot(phone, `files-phone-${locale}-image`);
            assert.deepEqual(phone.errors || [], []);
            await phone.context().close();
        }
        await screenshot(desk, 'files-desktop-zh-CN-channel');
        assert.deepEqual(desk.errors || [], []);
    } finally {
        await hub.stop();
    }
});

test('the files cookie is asked for again after a reload and a hub restart; an upload cut by kill -9 of the hub carries on', async (t) => {
    const hub = await startHub();
    const port = hub.port;
    try {
        await expectFilesRoutes(hub);
        const ana = await openPage(hub);
        const bo = await openPage(hub);
        await joinAs(ana, 'Ana');
        await joinAs(bo, 'Bo');
        const cookieCalls = (page) => page.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v2/session/cookie')).length;

        // A stored session (reload) asks for the cookie before showing images.
        await ana.locator('#file-input').setInputFiles({ name: 'first.png', mimeType: 'image/png', buffer: await makePng(ana, 120, 90, 10) });
        await waitAttachment(bo, 'first.png', { image: true });
        bo.requests = [];
        await bo.reload();
        await waitLive(bo);
        await waitAttachment(bo, 'first.png', { image: true });
        assert.equal(cookieCalls(bo), 1);

        // A big upload at 4 MB/s; the hub is killed in the middle and started again.
        const dir = tempDir('confab-files-restart-');
        const source = path.join(dir, 'backup.img');
        const bytes = crypto.randomBytes(16 * MiB);
        fs.writeFileSync(source, bytes);
        const cdp = await ana.context().newCDPSession(ana);
        await cdp.send('Network.emulateNetworkConditions',
            { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * MiB });
        await ana.locator('#file-input').setInputFiles(source);
        await ana.waitForFunction(() => {
            const bar = document.querySelector('#uploads .upload-bar');
            return bar && bar.value > bar.max * 0.2;
        }, null, { timeout: WaitMs });
        hub.process.kill('SIGKILL');
        await hub.exited;
        hub.process = null;
        await ana.waitForFunction(() => document.querySelector('#connection-state').dataset.state !== 'live', null, { timeout: WaitMs });
        const beforeRestart = cookieCalls(bo);
        await hub.start(port); // same port and data directory
        await waitLive(ana);
        await waitLive(bo);
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        const shown = await waitAttachment(bo, 'backup.img');
        const resumed = ana.requests.filter((r) => r.method === 'PATCH' && r.url.includes('/api/v2/uploads/'));
        assert.ok(resumed.length >= 2, 'the upload went on with another PATCH');
        assert.ok(Number(resumed[resumed.length - 1].headers['upload-offset']) > 0, JSON.stringify(resumed.map((r) => r.headers['upload-offset'])));
        assert.equal(ana.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v2/uploads')).length, 2, 'one upload each');
        const { token } = await pageSession(bo);
        const whole = await download(hub, `/api/v2/files/${shown.id}`, { Authorization: 'Bearer ' + token });
        assert.equal(sha256(whole.bytes), sha256(bytes));
        // The reconnect asked for the cookie again.
        assert.ok(cookieCalls(bo) > beforeRestart);
        await waitAttachment(bo, 'first.png', { image: true });
        assert.deepEqual(ana.errors || [], []);
        assert.deepEqual(bo.errors || [], []);
    } finally {
        await hub.stop();
    }
});
