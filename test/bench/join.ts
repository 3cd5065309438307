// npm run bench:join — join -> first remote frame, measured in Chromium.
// One page publishes camera and mic; then, 20 times, a fresh page opens the
// room, waits until its pre-join preview plays (what a person sees before
// clicking), clicks `join`, and we time from the click to the first rendered
// frame of the publisher's video (requestVideoFrameCallback). The client's own
// milestones (User Timing marks: the join reply, the device, the transports,
// `ready`, the video consumer) split that time into steps. A benchmark, not a
// test: it prints a table and asserts nothing.
//
// `-- --sfu-node` runs it with the media on a separate SFU node process;
// `-- --compare` runs both, one after the other, and prints them side by
// side with the RPC latency of `consume` (the cost of the extra hop).
import { cpus } from 'node:os';
import type { Browser } from 'playwright-core';
import { joinAs, launchChromium, openRoomPage } from '../harness/browser.js';
import {
  modeLabel,
  modesFromArgs,
  p50p95,
  percentile,
  startBenchTarget,
  type BenchMode,
} from './target.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const ROOM = 'bench-join';
const PUBLISHER = 'Publisher';

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

interface ModeResult {
  mode: BenchMode;
  runs: Sample[];
  /** Signaling's CPU (this process), a fraction of one core. */
  cpu: number;
  consumeMs: number[];
}

async function runMode(browser: Browser, mode: BenchMode): Promise<ModeResult> {
  const target = await startBenchTarget(mode);
  const url = target.server.url;
  try {
    const publisher = await openRoomPage(browser, url, ROOM);
    await joinAs(publisher, PUBLISHER);
    await publisher.getByTestId('local-video').waitFor();
    // Let the publisher's producers exist before the first viewer arrives.
    const deadline = Date.now() + 20_000;
    while ((await target.sfu.call('inspectRoom', { roomId: ROOM })).producers < 2) {
      if (Date.now() > deadline) throw new Error('publisher did not start producing');
      await new Promise((r) => setTimeout(r, 100));
    }
    target.consumeMs.length = 0;
    const cpuBefore = process.cpuUsage();
    const runs: Sample[] = [];
    const started = Date.now();
    for (let run = 1; run <= RUNS; run++) {
      const sample = await measureOnce(browser, url, run);
      runs.push(sample);
      const steps = MILESTONES.map(([mark]) => sample.marks[mark]?.toFixed(0) ?? '-').join(' / ');
      process.stdout.write(
        `${modeLabel[mode]} run ${String(run).padStart(2)}: ${sample.total.toFixed(0)} ms (milestones ${steps})\n`,
      );
    }
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (Date.now() - started) / 1000;
    await publisher.context().close();
    return {
      mode,
      runs,
      cpu: (cpu.user + cpu.system) / 1e6 / seconds,
      consumeMs: [...target.consumeMs],
    };
  } finally {
    await target.close();
  }
}

function printTable(results: ModeResult[]): void {
  const row = (label: string, values: string[]) =>
    `| ${label.padEnd(36)} | ${values.map((v) => v.padStart(14)).join(' | ')} |`;
  const stat = (f: (r: ModeResult) => string) => results.map(f);
  const totals = (r: ModeResult) => r.runs.map((s) => s.total).sort((a, b) => a - b);
  console.log('');
  console.log(`join -> first remote frame, ${RUNS} fresh Chromium pages, ${cpus().length} cores`);
  console.log(
    row(
      'metric',
      results.map((r) => modeLabel[r.mode]),
    ),
  );
  console.log(`|${'-'.repeat(38)}|${results.map(() => '-'.repeat(16)).join('|')}|`);
  console.log(
    row(
      'p50',
      stat((r) => `${percentile(totals(r), 50).toFixed(0)} ms`),
    ),
  );
  console.log(
    row(
      'p95',
      stat((r) => `${percentile(totals(r), 95).toFixed(0)} ms`),
    ),
  );
  console.log(
    row(
      'max',
      stat((r) => `${totals(r).at(-1)!.toFixed(0)} ms`),
    ),
  );
  console.log(
    row(
      'min',
      stat((r) => `${totals(r)[0]!.toFixed(0)} ms`),
    ),
  );
  for (const [mark, label] of MILESTONES) {
    const at = (r: ModeResult) =>
      r.runs.flatMap((s) => (s.marks[mark] === undefined ? [] : [s.marks[mark]!]));
    if (results.every((r) => at(r).length === 0)) continue;
    console.log(
      row(
        `${label} p50/p95`,
        stat((r) => p50p95(at(r))),
      ),
    );
  }
  console.log(
    row(
      'consume RPC p50/p95',
      stat((r) => p50p95(r.consumeMs, 1)),
    ),
  );
  console.log(
    row(
      'signaling CPU (of 1 core)',
      stat((r) => `${(r.cpu * 100).toFixed(1)} %`),
    ),
  );
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const results: ModeResult[] = [];
    for (const mode of modesFromArgs(process.argv.slice(2))) {
      results.push(await runMode(browser, mode));
    }
    printTable(results);
  } finally {
    await browser.close();
  }
}

await main();
