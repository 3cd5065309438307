// Where ICE probes go among several SFU nodes. A probe belongs to no room:
// it is opened on a node named by the caller, or else on the least loaded
// live node; it is connected on whichever node holds it, and closed
// everywhere (closing is idempotent).
import { SfuError, type SfuApi, type SfuRequest, type SfuResponse } from '../../sfu/api/index.js';

export interface ProbeNode {
  readonly id: string;
  readonly sfu: SfuApi;
}

const isCode = (error: unknown, code: string) => error instanceof SfuError && error.code === code;

/**
 * The node that should carry a probe when none is named: the serving node
 * with the fewest consumers among those that answer (a draining one only
 * when every node drains).
 */
export async function leastLoadedNode(nodes: readonly ProbeNode[]): Promise<ProbeNode> {
  const loads = await Promise.all(
    nodes.map(async (node) => {
      try {
        const load = await node.sfu.call('getLoad', {});
        const consumers = load.workers.reduce((sum, w) => sum + w.consumers, 0);
        return { node, consumers, draining: load.state === 'DRAINING' };
      } catch {
        return undefined; // not answering: not a candidate
      }
    }),
  );
  const answered = loads.filter((l) => l !== undefined);
  const serving = answered.filter((l) => !l.draining);
  const best = (serving.length > 0 ? serving : answered).sort(
    (a, b) => a.consumers - b.consumers,
  )[0];
  if (!best) throw new SfuError('SFU_UNAVAILABLE', 'no SFU node answers');
  return best.node;
}

/** Connects the probe on the node that holds it (`first`, when known, is asked first). */
export async function connectProbe(
  nodes: readonly ProbeNode[],
  request: SfuRequest<'connectIceProbe'>,
  first?: string,
): Promise<SfuResponse<'connectIceProbe'>> {
  const ordered = [...nodes].sort((a, b) => Number(b.id === first) - Number(a.id === first));
  for (const node of ordered) {
    try {
      return await node.sfu.call('connectIceProbe', request);
    } catch (error) {
      if (!isCode(error, 'PROBE_NOT_FOUND')) throw error;
    }
  }
  throw new SfuError('PROBE_NOT_FOUND', `no ICE probe ${request.probeId} is open`);
}

/** Closes the probe wherever it is; fails only when no node could be asked. */
export async function closeProbe(
  nodes: readonly ProbeNode[],
  request: SfuRequest<'closeIceProbe'>,
): Promise<SfuResponse<'closeIceProbe'>> {
  const settled = await Promise.allSettled(
    nodes.map((node) => node.sfu.call('closeIceProbe', request)),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed && settled.every((s) => s.status === 'rejected')) throw failed.reason;
  return {};
}
