// What the browser call tests (calls.test.mjs, calls-turn.test.mjs) do on a page alike: sign in,
// and check that the remote video plays and moves.
import assert from 'node:assert/strict';

export const WaitMs = 30000; // generous: sanitizer build, 2 shared cores

// Signs in on the join screen and returns the member id once the stream is live.
export async function joinAs(page, name) {
    await page.locator('#join-name').fill(name);
    await page.locator('#join-button').click();
    await page.waitForSelector('#connection-state[data-state="live"]', { state: 'attached', timeout: WaitMs });
    return page.evaluate(() => JSON.parse(localStorage.getItem('confab.session')).member.id);
}

// Remote video plays and moves: its clock advances, it has a size, and two frames drawn on a
// canvas a moment apart differ (the fake camera draws a moving picture).
export async function assertMovingRemoteVideo(page) {
    await page.waitForFunction(() => {
        const video = document.getElementById('call-remote');
        return video.videoWidth > 0 && video.currentTime > 0 && !video.paused;
    }, null, { timeout: WaitMs });
    const result = await page.evaluate(async () => {
        const video = document.getElementById('call-remote');
        const frame = () => {
            const canvas = document.createElement('canvas');
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            const context = canvas.getContext('2d');
            context.drawImage(video, 0, 0);
            return context.getImageData(0, 0, canvas.width, canvas.height).data;
        };
        const t0 = video.currentTime;
        const first = frame();
        await new Promise((resolve) => setTimeout(resolve, 700));
        const second = frame();
        let differing = 0;
        for (let i = 0; i < first.length; i += 4) {
            if (Math.abs(first[i] - second[i]) + Math.abs(first[i + 1] - second[i + 1]) > 30)
                ++differing;
        }
        return { width: video.videoWidth, advanced: video.currentTime - t0, differing };
    });
    assert.ok(result.width > 0, 'remote video has a size');
    assert.ok(result.advanced > 0.3, `remote video time advanced ${result.advanced} s`);
    assert.ok(result.differing > 50, `two remote frames differ in ${result.differing} pixels`);
}
