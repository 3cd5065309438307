// npm run bench:join — join -> first remote frame, measured in Chromium.
// One page publishes camera and mic; then, 20 times, a fresh page opens the
// room, waits until its pre-join preview plays (what a person sees before
// clicking), clicks `join`, and we time from the click to the first rendered
// frame of the publisher's video (requestVideoFrameCallback). The client's own
// milestones (User Timing marks: the join reply, the device, the transports,
// `ready`, the video consumer) split that time into steps. A benchmark, not a
// test: it prints a table and asserts nothing.
import { cpus } from 'node:os';
import type { Browser } from 'playwright-core';
import { joinAs, launchChromium, openRoomPage } from '../harness/browser.js';
import { startTestServer } from '../harness/server.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const ROOM = 'bench-join';
const PUBLISHER = 'Publisher';

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const MILESTONES = [
  ['veche:media-start', 'join reply'],
  ['veche:device', 'device loaded'],
  ['veche:transports', 'transports created'],
  ['veche:ready', 'ready answered'],
  ['veche:notified-video', 'newConsumer (video) arrived'],
  ['veche:consumer-video', 'video consumer created'],
] as const;

interface Sample {
  /** ms from the click to the first frame. */
  total: number;
  /** ms from the click to each milestone the page marked. */
  marks: Record<string, number>;
}

/** Resolves with ms from the click on `join` to the first frame of the publisher's video, and the milestones. */
const firstFrameScript = `(publisher) => new Promise((resolve, reject) => {
  let clickedAt;
  document.addEventListener('click', (e) => {
    if (e.target.closest('[data-testid="join"]')) clickedAt = performance.now();
  }, { capture: true });
  const timeout = setTimeout(() => reject(new Error('no frame within 30 s')), 30000);
  const watch = () => {
    const tile = [...document.querySelectorAll('[data-testid="tile"]')]
      .find((el) => el.getAttribute('data-peer-name') === publisher);
    const video = tile && tile.querySelector('video[data-testid="remote-video"]');
    if (!video) { requestAnimationFrame(watch); return; }
    video.requestVideoFrameCallback((now) => {
      clearTimeout(timeout);
      const start = clickedAt === undefined ? now : clickedAt;
      const marks = {};
      for (const mark of performance.getEntriesByType('mark')) marks[mark.name] = mark.startTime - start;
      resolve({ total: now - start, marks });
    });
  };
  watch();
})`;

/** Frames the pre-join preview renders in 200 ms (plain source, as above). */
const previewFramesScript = `new Promise((resolve) => {
  const video = document.querySelector('[data-testid="prejoin-preview"]');
  if (!video) { resolve(0); return; }
  let frames = 0;
  const onFrame = () => { frames += 1; video.requestVideoFrameCallback(onFrame); };
  video.requestVideoFrameCallback(onFrame);
  setTimeout(() => resolve(frames), 200);
})`;

async function measureOnce(browser: Browser, url: string, run: number): Promise<Sample> {
  const page = await openRoomPage(browser, url, ROOM);
  try {
    await page.getByTestId('display-name').fill(`Viewer ${run}`);
    // As a person would: the click comes once the join screen shows their
    // camera (the page has settled), not while it is still loading.
    await page.getByTestId('prejoin-preview').waitFor();
    const settle = Date.now() + 10_000;
    while (((await page.evaluate(previewFramesScript)) as number) < 2) {
      if (Date.now() > settle) throw new Error('the pre-join preview does not play');
    }
    // Plain JavaScript source: the TypeScript runner would otherwise inject
    // its own helpers into a function serialised into the page.
    const firstFrame = page.evaluate(
      `(${firstFrameScript})(${JSON.stringify(PUBLISHER)})`,
    ) as Promise<Sample>;
    await page.getByTestId('join').click();
    return await firstFrame;
  } finally {
    await page.context().close();
  }
}

async function main(): Promise<void> {
  const server = await startTestServer({ workers: 1 });
  const browser = await launchChromium();
  const cpuBefore = process.cpuUsage();
  try {
    const publisher = await openRoomPage(browser, server.url, ROOM);
    await joinAs(publisher, PUBLISHER);
    await publisher.getByTestId('local-video').waitFor();
    // Let the publisher's producers exist before the first viewer arrives.
    const deadline = Date.now() + 20_000;
    while ((await server.sfu.sfu.call('inspectRoom', { roomId: ROOM })).producers < 2) {
      if (Date.now() > deadline) throw new Error('publisher did not start producing');
      await new Promise((r) => setTimeout(r, 100));
    }

    const runs: Sample[] = [];
    const started = Date.now();
    for (let run = 1; run <= RUNS; run++) {
      const sample = await measureOnce(browser, server.url, run);
      runs.push(sample);
      const steps = MILESTONES.map(([mark]) => sample.marks[mark]?.toFixed(0) ?? '-').join(' / ');
      process.stdout.write(
        `run ${String(run).padStart(2)}: ${sample.total.toFixed(0)} ms (milestones ${steps})\n`,
      );
    }
    const sorted = runs.map((r) => r.total).sort((a, b) => a - b);
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (Date.now() - started) / 1000;
    const row = (label: string, value: string) => `| ${label.padEnd(36)} | ${value.padStart(12)} |`;
    console.log('');
    console.log(`join -> first remote frame, ${RUNS} fresh Chromium pages, ${cpus().length} cores`);
    console.log(row('metric', 'value'));
    console.log(`|${'-'.repeat(38)}|${'-'.repeat(14)}|`);
    console.log(row('p50', `${percentile(sorted, 50).toFixed(0)} ms`));
    console.log(row('p95', `${percentile(sorted, 95).toFixed(0)} ms`));
    console.log(row('max', `${sorted.at(-1)!.toFixed(0)} ms`));
    console.log(row('min', `${sorted[0]!.toFixed(0)} ms`));
    for (const [mark, label] of MILESTONES) {
      const at = runs.flatMap((r) => (r.marks[mark] === undefined ? [] : [r.marks[mark]!]));
      if (at.length === 0) continue;
      const ordered = at.sort((a, b) => a - b);
      console.log(
        row(
          `${label} p50/p95`,
          `${percentile(ordered, 50).toFixed(0)}/${percentile(ordered, 95).toFixed(0)} ms`,
        ),
      );
    }
    console.log(
      row(
        'signaling CPU (of 1 core)',
        `${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(1)} %`,
      ),
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
