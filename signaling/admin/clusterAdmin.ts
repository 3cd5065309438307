// The admins' view of the cluster: every SFU node with its workers and load
// (drain, undrain), and the rooms meeting on any signaling node with the SFU
// node each participant's media is on. Node changes are audited with the
// admin as actor.
import type { ClusterAdmin, LiveAdmin, LiveRoomView, NodeView } from '../api/live.js';
import type { AuditSink } from '../audit/sink.js';
import type { RoomControl } from '../rooms/control.js';
import { describeRoom } from './liveAdmin.js';
import type { SfuNodeHandle, SfuNodeSource } from './nodeSource.js';

export interface ClusterAdminPorts {
  readonly nodes: SfuNodeSource;
  /** This signaling node's own view (its rooms, when there is no shared index). */
  readonly live: () => LiveAdmin;
  /** The shared room state, listing the rooms of every signaling node (Redis). */
  readonly roomIndex?: {
    roomNames(): Promise<string[]>;
    read(room: string): Promise<RoomControl | undefined>;
  };
  readonly audit: AuditSink;
}

export function createClusterAdmin(ports: ClusterAdminPorts): ClusterAdmin {
  async function rooms(): Promise<LiveRoomView[]> {
    const local = await ports.live().rooms();
    const byName = new Map(local.map((room) => [room.name, room]));
    if (ports.roomIndex) {
      for (const name of await ports.roomIndex.roomNames()) {
        if (byName.has(name)) continue;
        const control = await ports.roomIndex.read(name);
        if (control) byName.set(name, describeRoom(name, control, null));
      }
    }
    const listed = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(
      listed.map(async (room) => {
        const node = (await ports.nodes.nodeOfRoom(room.name)) ?? null;
        const placed = (await ports.nodes.nodesOfPeers?.(room.name)) ?? new Map<string, string>();
        return {
          ...room,
          participants: room.participants.map((p) => ({
            ...p,
            node: placed.get(p.peerId) ?? node,
          })),
        };
      }),
    );
  }

  async function view(handle: SfuNodeHandle, live: readonly LiveRoomView[]): Promise<NodeView> {
    const record = handle.record;
    // A room spanning nodes counts on each node that carries any of its participants.
    const carried = live.filter((room) => room.participants.some((p) => p.node === handle.id));
    const base = {
      id: handle.id,
      incarnation: record?.incarnation ?? null,
      version: record?.version ?? null,
      internalUrl: record?.internalUrl ?? handle.internalUrl ?? null,
      mediaAddress: record?.mediaAddress ?? null,
      pipeAddress: record?.pipeAddress ?? null,
      capacity: record ? record.workers.length * record.consumersPerWorker : null,
      migratable: ports.nodes.canMigrate === true,
      peers: carried.reduce(
        (sum, room) => sum + room.participants.filter((p) => p.node === handle.id).length,
        0,
      ),
    };
    try {
      const load = await handle.sfu.call('getLoad', {});
      return {
        ...base,
        state: load.state,
        workers: load.workers.map((w) => ({
          ...w,
          cpuMs: w.cpuMs === undefined ? null : Math.round(w.cpuMs),
        })),
        rooms: load.workers.reduce((sum, w) => sum + w.rooms, 0),
      };
    } catch {
      // A node that does not answer is shown as such rather than hiding the others.
      return { ...base, state: 'UNREACHABLE', workers: [], rooms: carried.length };
    }
  }

  async function nodes(): Promise<NodeView[]> {
    const [handles, live] = await Promise.all([ports.nodes.nodes(), rooms()]);
    return Promise.all(handles.map((handle) => view(handle, live)));
  }

  return {
    nodes,
    rooms,
    canMigrate: ports.nodes.canMigrate === true,
    async drainNode(id, on, actor, options = {}) {
      const handle = (await ports.nodes.nodes()).find((h) => h.id === id);
      if (!handle) return undefined;
      const migrate = on && options.migrate === true;
      const answer = await handle.sfu.call(
        'setNodeDraining',
        migrate ? { draining: true, migrate: true } : { draining: on },
      );
      await ports.audit.record({
        // The same actions as a worker's drain; the target says which: node:<id> or worker:<index>.
        action: migrate ? 'sfu.migrate' : on ? 'sfu.drain' : 'sfu.undrain',
        actor: actor.subject,
        target: `node:${id}`,
        room: undefined,
        at: new Date(),
        details: migrate && answer.rooms !== undefined ? { rooms: answer.rooms } : {},
        ip: actor.ip,
      });
      return (await nodes()).find((n) => n.id === id);
    },
  };
}
