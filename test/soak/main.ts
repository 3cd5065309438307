// npm run soak -- --minutes M [--seed S] [--rooms R] [--clients C] [--media P]
//                 [--signaling N] [--sfu-nodes N] [--workers W] [--lanes L]
//                 [--warmup SECONDS] [--no-expiry-wait]
//
// Starts a deployment of its own (Redis and PostgreSQL — REDIS_URL /
// DATABASE_URL when given —, SFU node processes, signaling node processes,
// all from the build: run `npm run build:server` first), churns it for M
// minutes with protocol clients and WebRTC peers in Node, lets everyone go,
// and checks that nothing is left behind: every mediasoup worker's dump
// empty, no Redis key of an ended room, memory back near its baseline.
// Prints a table; exits 1 on anything left behind.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { stopOnInterrupt } from '../harness/interrupt.js';
import { formatReport } from './report.js';
import { runSoak, type SoakOptions } from './run.js';

function options(): SoakOptions {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '5' },
      seed: { type: 'string' },
      rooms: { type: 'string', default: '4' },
      clients: { type: 'string', default: '12' },
      media: { type: 'string', default: '4' },
      signaling: { type: 'string', default: '2' },
      'sfu-nodes': { type: 'string', default: '2' },
      workers: { type: 'string', default: '1' },
      lanes: { type: 'string', default: '3' },
      warmup: { type: 'string' },
      'no-expiry-wait': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const minutes = number('minutes', values.minutes, 0.1);
  return {
    minutes,
    seed: values.seed === undefined ? randomInt(1, 2 ** 31) : number('seed', values.seed, 0),
    rooms: number('rooms', values.rooms, 1),
    clients: number('clients', values.clients, 1),
    media: number('media', values.media, 0),
    signalingNodes: number('signaling', values.signaling, 1),
    sfuNodes: number('sfu-nodes', values['sfu-nodes'], 1),
    workers: number('workers', values.workers, 1),
    lanes: number('lanes', values.lanes, 1),
    // A tenth of the churn, between 15 s and a minute, unless told.
    warmupSeconds:
      values.warmup === undefined
        ? Math.min(60, Math.max(15, minutes * 6))
        : number('warmup', values.warmup, 0),
    waitForExpiry: !values['no-expiry-wait'],
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

let parsed: SoakOptions;
try {
  parsed = options();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

// Interrupted, the soak still stops every process it started.
parsed.onStarted = stopOnInterrupt().started;

// Peers' sockets and timers may outlive their close by a moment: the run is over.
await runSoak(parsed).then(
  (result) => {
    console.log('');
    console.log(formatReport(result));
    process.exit(result.failures.length === 0 ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
