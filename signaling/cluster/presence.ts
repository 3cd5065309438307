// Keeps shared room state honest when several nodes share it: this node
// announces itself alive, keeps its rooms from expiring (those where it
// serves members, and those where people it serves wait in the lobby), and
// takes members and lobby entries of nodes that stopped announcing themselves
// (crashed) out through the membership service, like any other departure.
import type { Logger } from '../core/logger.js';
import type { Membership } from '../rooms/membership.js';
import type { RedisStateStore } from '../rooms/redisStateStore.js';

export interface PresencePorts {
  store: Pick<RedisStateStore, 'read' | 'refresh' | 'heartbeat' | 'isNodeAlive' | 'forgetNode'>;
  membership: Pick<Membership, 'remove' | 'markGone'>;
  /** Rooms this node serves members or lobby entries of. */
  localRooms(): Iterable<string>;
  log: Logger;
  nodeId: string;
  /** How often to heartbeat and sweep; nodes are dead after 3 missed beats. */
  intervalMs: number;
  /** Peers of a dead node keep their place this long, to resume on another node. */
  graceMs: number;
  /**
   * Runs before each beat: Redis may have lost its data (restarted empty), and
   * then this node's rooms are written again before anything is swept.
   */
  recover?: () => Promise<void>;
}

/** How long a node's `node:` key lives after a beat: it is dead after 3 missed beats. */
export const nodeTtlMs = (intervalMs: number): number => intervalMs * 3;

export function startPresence(options: PresencePorts): { stop(): Promise<void> } {
  const { store, membership, nodeId, log } = options;
  let running = true;

  async function sweepRoom(room: string, alive: (node: string) => Promise<boolean>): Promise<void> {
    const control = await store.read(room);
    if (!control) return;
    const nodes = new Set(
      [...Object.values(control.members), ...Object.values(control.lobby)]
        .map((m) => m.node)
        .filter((n) => n !== nodeId),
    );
    const dead = new Set<string>();
    for (const node of nodes) if (!(await alive(node))) dead.add(node);
    if (dead.size === 0) return;
    const now = Date.now();
    // First sweep: the peer's connection is gone; it may resume elsewhere.
    await membership.markGone(room, (node) => dead.has(node), now);
    // Once the grace period is over, they leave like anybody else: a host
    // is succeeded, their stay in the meeting's history ends.
    const expired = (m: { node: string; disconnectedAt?: number | undefined }) =>
      dead.has(m.node) &&
      m.disconnectedAt !== undefined &&
      now - m.disconnectedAt >= options.graceMs;
    const latest = await store.read(room);
    const removed: string[] = [];
    for (const member of Object.values(latest?.members ?? {})) {
      if (!expired(member)) continue;
      if (await membership.remove(room, member.peerId, { still: expired }))
        removed.push(member.peerId);
    }
    if (removed.length > 0)
      log.warn({ room, peers: removed, nodes: [...dead] }, 'removed peers of a dead node');
  }

  async function tick(): Promise<void> {
    await options.recover?.();
    await store.heartbeat(nodeId, nodeTtlMs(options.intervalMs));
    // Each other node is looked up once per tick, however many rooms it shares.
    const known = new Map<string, Promise<boolean>>();
    const alive = (node: string) => {
      let answer = known.get(node);
      if (!answer) {
        answer = store.isNodeAlive(node);
        known.set(node, answer);
      }
      return answer;
    };
    for (const room of new Set(options.localRooms())) {
      await store.refresh(room);
      await sweepRoom(room, alive);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    tick()
      .catch((error: unknown) => log.error({ err: error }, 'presence tick failed'))
      .finally(() => {
        if (running) timer = setTimeout(loop, options.intervalMs);
      });
  };
  loop();

  return {
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await store.forgetNode(nodeId);
    },
  };
}
