// The relay check's server side: opens an ICE probe on an SFU node (the one
// an admin names, or the least loaded), hands it out with fresh TURN
// credentials, and connects or closes it later on whichever node holds it —
// a request may reach another signaling node than the one that opened it.
// Every probe opened is audited with the admin as actor.
import { randomUUID } from 'node:crypto';
import { SfuError } from '../../sfu/api/index.js';
import type { TurnProbes } from '../api/live.js';
import type { AuditSink } from '../audit/sink.js';
import {
  closeProbe,
  connectProbe,
  leastLoadedNode,
  type ProbeNode,
} from '../cluster/iceProbeNodes.js';
import type { TurnIssuer } from '../turn/credentials.js';
import type { SfuNodeSource } from './nodeSource.js';

/** How long a probe lives: enough for a few paths tried one after another. */
export const TURN_PROBE_TTL_MS = 60_000;

export function createTurnProbes(deps: {
  nodes: Pick<SfuNodeSource, 'nodes'>;
  turn: TurnIssuer;
  audit: AuditSink;
  ttlMs?: number;
  now?: () => number;
}): TurnProbes {
  const { turn, audit, ttlMs = TURN_PROBE_TTL_MS, now = Date.now } = deps;
  /** Probes opened here: their node (asked first later) and when they expire. */
  const opened = new Map<string, { nodeId: string; until: number }>();

  const nodes = async (): Promise<ProbeNode[]> => [...(await deps.nodes.nodes())];
  function forgetExpired(): void {
    for (const [probeId, { until }] of opened) if (until <= now()) opened.delete(probeId);
  }

  return {
    async open(nodeId, actor) {
      forgetExpired();
      const all = await nodes();
      const node =
        nodeId === undefined ? await leastLoadedNode(all) : all.find((n) => n.id === nodeId);
      if (!node) return undefined;
      const probe = await node.sfu.call('openIceProbe', { probeId: randomUUID(), ttlMs });
      opened.set(probe.probeId, { nodeId: node.id, until: now() + probe.ttlMs });
      await audit.record({
        action: 'turn.probe',
        actor: actor.subject,
        target: `node:${node.id}`,
        room: undefined,
        at: new Date(now()),
        details: { probeId: probe.probeId },
        ip: actor.ip,
      });
      return {
        probeId: probe.probeId,
        nodeId: node.id,
        expiresInMs: probe.ttlMs,
        iceServers: turn.iceServers(),
        routerRtpCapabilities: probe.routerRtpCapabilities,
        transport: probe.transport,
        dataConsumer: probe.dataConsumer,
      };
    },
    async connect(probeId, dtlsParameters) {
      try {
        await connectProbe(await nodes(), { probeId, dtlsParameters }, opened.get(probeId)?.nodeId);
        return true;
      } catch (error) {
        if (error instanceof SfuError && error.code === 'PROBE_NOT_FOUND') return false;
        throw error;
      }
    },
    async close(probeId) {
      opened.delete(probeId);
      await closeProbe(await nodes(), { probeId });
    },
  };
}
