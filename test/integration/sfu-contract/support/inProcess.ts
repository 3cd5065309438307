// The in-process SFU as a contract target: one real mediasoup worker on a
// random port, bare or behind the schema-checked wrapper.
import { createSchemaCheckedSfu } from '../../../../sfu/api/index.js';
import {
  createInProcessSfu,
  DEFAULT_CONSUMERS_PER_WORKER,
  embeddedPipeOptions,
} from '../../../../sfu/index.js';
import { testLogger } from '../../../harness/sfu.js';
import type { ContractTarget } from '../suite.js';

export async function startInProcess(checked: boolean): Promise<ContractTarget> {
  const inner = await createInProcessSfu(
    {
      workers: 1,
      rtcPort: 0,
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      workerLogLevel: 'warn',
      initialAvailableOutgoingBitrate: 1_000_000,
      pipe: embeddedPipeOptions(),
      consumersPerWorker: DEFAULT_CONSUMERS_PER_WORKER,
    },
    testLogger(),
    // Leases expire in whole seconds; reaping often keeps the lease tests short.
    { reapIntervalMs: 100 },
  );
  const sfu = checked ? createSchemaCheckedSfu(inner) : inner;
  return { sfu, close: () => sfu.close() };
}
