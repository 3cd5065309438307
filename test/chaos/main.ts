// npm run chaos -- [--rounds N] [--faults sfu,signaling,redis,postgres,netem,loss]
//                  [--meetings M] [--peers P] [--senders S] [--impair SECONDS]
//                  [--no-link]
//
// Starts a deployment of its own from the build (run `npm run build:server`
// first): its own Redis and PostgreSQL — never REDIS_URL / DATABASE_URL,
// since it restarts them —, 2 SFU nodes, 2 signaling nodes, and meetings of
// WebRTC bots in Node. Injects each fault N times (docs/chaos.md), prints a
// table, and exits 1 if any round did not recover within 60 s, lost anything
// acknowledged, or left the audit chain broken. A fault that cannot run here
// (no netem in the kernel, no network namespaces) says why and is skipped.
import { parseArgs } from 'node:util';
import { stopOnInterrupt } from '../harness/interrupt.js';
import { FAULTS, type FaultName } from './faults.js';
import { formatReport, passed } from './report.js';
import { runChaos, type ChaosOptions } from './run.js';

function options(): ChaosOptions {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      faults: { type: 'string', default: FAULTS.join(',') },
      meetings: { type: 'string', default: '2' },
      peers: { type: 'string', default: '4' },
      senders: { type: 'string', default: '2' },
      impair: { type: 'string', default: '8' },
      'no-link': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const faults = (values.faults ?? '').split(',').map((f) => f.trim());
  const unknown = faults.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (unknown.length > 0 || faults.length === 0)
    throw new Error(`--faults takes ${FAULTS.join(',')}; not ${unknown.join(',')}`);
  return {
    rounds: number('rounds', values.rounds, 1),
    faults: faults as FaultName[],
    plan: {
      meetings: number('meetings', values.meetings, 1),
      peers: number('peers', values.peers, 2),
      senders: number('senders', values.senders, 1),
    },
    impairMs: number('impair', values.impair, 1) * 1000,
    testHost: !values['no-link'],
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

let parsed: ChaosOptions;
try {
  parsed = options();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

// Interrupted, the run still stops every process it started and removes the test host.
const interrupt = stopOnInterrupt();
parsed.onStarted = interrupt.started;

// A bot rebuilding its media in the background may be refused (its promise
// has no one to tell): the run goes on — the round sees whether its media
// came back — and the refusal is printed.
const backgroundErrors: string[] = [];
process.on('unhandledRejection', (error: unknown) => {
  const text = error instanceof Error ? error.message : String(error);
  backgroundErrors.push(text);
  process.stdout.write(`a bot's background task failed: ${text}\n`);
});
process.once('uncaughtException', (error) => {
  console.error(error);
  interrupt.stopAndExit(1);
});

const started = performance.now();
// Bots' sockets and timers may outlive their close by a moment: the run is over.
await runChaos(parsed).then(
  (result) => {
    console.log('');
    console.log(formatReport(result, performance.now() - started));
    if (backgroundErrors.length > 0)
      console.log(`bots' background tasks that failed: ${backgroundErrors.length}`);
    process.exit(passed(result) ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
