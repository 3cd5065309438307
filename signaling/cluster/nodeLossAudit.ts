// An SFU node that leaves the live set (it died, was cut off, or stopped)
// takes its rooms with it; signaling then places them elsewhere and their
// participants rebuild their media. That failover is the system's own act,
// and the audit log says so once per lost incarnation: every signaling node
// sees the loss, and the first to claim it in Redis writes the row.
import type { RedisClientType } from 'redis';
import type { NodeRecord } from '../../sfu/api/registry.js';
import type { AuditSink } from '../audit/sink.js';
import type { Logger } from '../core/logger.js';
import type { NodeDirectory } from './nodeDirectory.js';

/** How long a claim is kept: far longer than any signaling node takes to notice a loss. */
const CLAIM_MS = 24 * 3600_000;

export interface NodeLossAuditOptions {
  directory: Pick<NodeDirectory, 'onChange'>;
  redis: Pick<RedisClientType, 'set'>;
  prefix: string;
  audit: AuditSink;
  log: Logger;
  now?: () => Date;
}

/** Starts watching; returns the unsubscribe. */
export function auditNodeLosses(options: NodeLossAuditOptions): () => void {
  const { redis, prefix, audit } = options;
  const log = options.log.child({ component: 'node-loss-audit' });
  const now = options.now ?? (() => new Date());
  let known = new Map<string, NodeRecord>();
  let first = true;

  async function claim(node: NodeRecord): Promise<void> {
    const won = await redis.set(`${prefix}nodeloss:${node.nodeId}:${node.incarnation}`, '1', {
      NX: true,
      PX: CLAIM_MS,
    });
    if (won !== 'OK') return; // another signaling node wrote it
    await audit.record({
      action: 'sfu.failover',
      actor: 'system',
      target: `node:${node.nodeId}`,
      room: undefined,
      at: now(),
      details: { incarnation: node.incarnation },
      ip: undefined,
    });
    log.warn(
      { nodeId: node.nodeId, incarnation: node.incarnation },
      'SFU node lost: its rooms move',
    );
  }

  return options.directory.onChange((nodes) => {
    const next = new Map(nodes.map((node) => [node.nodeId, node]));
    // The first listing is where we start, not a change.
    if (!first) {
      for (const [nodeId, node] of known) {
        if (next.get(nodeId)?.incarnation === node.incarnation) continue;
        claim(node).catch((error: unknown) => {
          log.error({ err: error, nodeId }, 'the loss of an SFU node was not audited');
        });
      }
    }
    first = false;
    known = next;
  });
}
