// A real in-process SFU for tests: real mediasoup workers on random ports,
// wrapped in the schema-checked boundary exactly as the server runs it.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { pino } from 'pino';
import { createSchemaCheckedSfu, type SfuApi, type SfuEvent } from '../../sfu/api/index.js';
import { createInProcessSfu } from '../../sfu/index.js';

export const testLogger = () => pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export interface TestSfu {
  sfu: SfuApi;
  events: SfuEvent[];
  /** The mediasoup workers this SFU started (replacements included). */
  workers: types.Worker[];
  close(): Promise<void>;
}

export async function startTestSfu(workers = 1): Promise<TestSfu> {
  const started: types.Worker[] = [];
  const onWorker = (worker: types.Worker) => started.push(worker);
  mediasoup.observer.on('newworker', onWorker);
  const inner = await createInProcessSfu(
    {
      workers,
      rtcPort: 0,
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      workerLogLevel: 'warn',
      initialAvailableOutgoingBitrate: 1_000_000,
    },
    testLogger(),
  );
  const sfu = createSchemaCheckedSfu(inner);
  const events: SfuEvent[] = [];
  sfu.onEvent((event) => events.push(event));
  return {
    sfu,
    events,
    workers: started,
    async close() {
      mediasoup.observer.off('newworker', onWorker);
      await sfu.close();
    },
  };
}

/** Polls until the predicate holds; fails with the message after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
