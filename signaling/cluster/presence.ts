// Keeps shared room state honest when several nodes share it: this node
// announces itself alive, keeps its rooms from expiring, and removes members
// and lobby entries of nodes that stopped announcing themselves (crashed).
import type { Services } from '../core/context.js';
import { forgetMember, lobbyView, type MemberState, type RoomControl } from '../rooms/control.js';
import type { RedisStateStore } from '../rooms/redisStateStore.js';
import { toPeerInfo } from '../rooms/registry.js';

export interface PresenceOptions {
  store: RedisStateStore;
  services: Services;
  nodeId: string;
  /** How often to heartbeat and sweep; nodes are dead after 3 missed beats. */
  intervalMs: number;
  /** Peers of a dead node keep their place this long, to resume on another node. */
  graceMs: number;
}

export function startPresence(options: PresenceOptions): { stop(): Promise<void> } {
  const { store, services, nodeId } = options;
  let running = true;

  async function sweepRoom(room: string, alive: (node: string) => Promise<boolean>): Promise<void> {
    const control = await store.read(room);
    if (!control) return;
    const nodes = new Set(
      [...Object.values(control.members), ...Object.values(control.lobby)]
        .map((m) => m.node)
        .filter((n) => n !== nodeId),
    );
    const dead: string[] = [];
    for (const node of nodes) if (!(await alive(node))) dead.push(node);
    if (dead.length === 0) return;
    interface Gone {
      /** Newly marked disconnected: they may still resume elsewhere. */
      dropped: MemberState[];
      members: string[];
      lobbyChanged: boolean;
      state: RoomControl | undefined;
    }
    const now = Date.now();
    const gone = await store.update<Gone>(room, (state) => {
      if (!state)
        return { next: state, result: { dropped: [], members: [], lobbyChanged: false, state } };
      // First sweep: the peer's connection is gone; it may resume elsewhere.
      const dropped = Object.values(state.members).filter(
        (m) => dead.includes(m.node) && m.disconnectedAt === undefined,
      );
      for (const member of dropped) member.disconnectedAt = now;
      const members = Object.values(state.members)
        .filter((m) => dead.includes(m.node) && now - (m.disconnectedAt ?? now) >= options.graceMs)
        .map((m) => m.peerId);
      for (const peerId of members) forgetMember(state, peerId);
      const waiting = Object.values(state.lobby).filter((e) => dead.includes(e.node));
      for (const entry of waiting) delete state.lobby[entry.peerId];
      return {
        next: state,
        result: { dropped, members, lobbyChanged: waiting.length > 0, state },
      };
    });
    // Only the node whose write marked them gets them here, so the room hears it once.
    for (const member of gone.dropped) {
      if (gone.members.includes(member.peerId)) continue;
      services.notify.toRoom(room, 'peerUpdated', { peer: toPeerInfo(member, undefined) });
    }
    for (const peerId of gone.members) services.notify.toRoom(room, 'peerLeft', { peerId });
    if (gone.members.length > 0 && gone.state)
      services.notify.toRoom(room, 'handsChanged', { hands: gone.state.hands });
    if (gone.lobbyChanged && gone.state)
      services.notify.toModerators(room, 'lobbyChanged', { lobby: lobbyView(gone.state) });
    if (gone.members.length > 0)
      services.log.warn({ room, peers: gone.members, nodes: dead }, 'removed peers of a dead node');
  }

  async function tick(): Promise<void> {
    await store.heartbeat(nodeId, options.intervalMs * 3);
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
    for (const room of services.rooms.rooms()) {
      await store.refresh(room.name);
      await sweepRoom(room.name, alive);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    tick()
      .catch((error: unknown) => services.log.error({ err: error }, 'presence tick failed'))
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
