// npm run load -- --rooms R --publishers P --subscribers S --duration T [--target URL]
// Bots that join meetings through signaling and speak real WebRTC, publishing
// pre-encoded VP8 simulcast and Opus; prints what they received, what it cost
// them and the server side, and exits non-zero if a bot failed or received
// nothing. Options: docs/benchmarks.md ("The load generator").
import { writeFile } from 'node:fs/promises';
import { parseLoadArgs } from './args.js';
import { keyValueTable, windowRows } from './report.js';
import { runLoad } from './run.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseLoadArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const result = await runLoad(args, (line) => console.log(`load: ${line}`));
  const w = result.window;
  console.log(
    `\n${args.rooms} room(s) × (${args.publishers} publishers + ${args.subscribers} subscribers), ` +
      `${w.seconds.toFixed(0)} s measured after every bot joined; ${result.target}; ` +
      `${args.botProcesses} receiving bot process(es) + 1 for the publishers${args.botCpus ? ` on CPU ${args.botCpus}` : ''}\n`,
  );
  console.log(
    keyValueTable(
      windowRows({ ...w, join: result.whole.join, firstMedia: result.whole.firstMedia }),
    ),
  );
  for (const b of result.browsers?.samples ?? []) {
    const video = b.video.map(
      (v) =>
        `${v.peer ?? v.trackId}: ${v.framesDecodedPerSecond} frames/s ${v.frameWidth ?? '?'}x${v.frameHeight ?? '?'}`,
    );
    console.log(
      `Chromium ${b.name}: ${b.tilesWithVideo} tile(s) with video; ${video.join(', ') || 'no video'}; ` +
        `audio ${b.audioPacketsPerSecond} packets/s`,
    );
  }
  if (result.browsers)
    console.log(`Chromium CPU: ${Math.round(result.browsers.cpu * 100)} % of a core`);
  if (args.json) await writeFile(args.json, `${JSON.stringify(result, null, 2)}\n`);
  const silent = w.flowing === 0 && args.publishers > 0;
  const blind = (result.browsers?.samples ?? []).filter(
    (b) => args.publishers > 0 && b.video.every((v) => v.framesDecoded === 0),
  );
  if (blind.length > 0) {
    console.error(`load: Chromium ${blind.map((b) => b.name).join(', ')} decoded no video`);
    return 1;
  }
  if (w.failed > 0 || silent || w.forged > 0) {
    console.error(
      `load: ${w.failed} bot(s) failed${silent ? '; no media flowed' : ''}` +
        `${w.forged > 0 ? `; ${w.forged} packets failed SRTP authentication` : ''}`,
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('load:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
