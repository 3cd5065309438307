// The admins' view of this signaling node: SFU workers (load, CPU, drain) and
// the live rooms it serves, with their control state from the room-state
// store. Every change is audited with the admin as actor.
import { SfuError } from '../../sfu/api/errors.js';
import type { AdminActor, LiveAdmin, LiveRoomView, SfuWorkerView } from '../api/live.js';
import type { SfuApi } from '../../sfu/api/index.js';
import type { AuditSink } from '../audit/sink.js';
import type { Membership } from '../rooms/membership.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { RoomControl } from '../rooms/control.js';
import type { RoomStateStore } from '../rooms/stateStore.js';

export interface LiveAdminPorts {
  readonly sfu: SfuApi;
  /** The rooms this node serves media for. */
  readonly rooms: Pick<RoomRegistry, 'rooms' | 'room'>;
  readonly store: Pick<RoomStateStore, 'read'>;
  readonly audit: AuditSink;
  readonly membership: Pick<Membership, 'closeMeeting'>;
}

export function createLiveAdmin(services: LiveAdminPorts): LiveAdmin {
  async function sfuLoad(): Promise<SfuWorkerView[]> {
    const { workers } = await services.sfu.call('getLoad', {});
    return workers.map((w) => ({
      ...w,
      cpuMs: w.cpuMs === undefined ? null : Math.round(w.cpuMs),
    }));
  }

  return {
    sfuLoad,
    async drain(index, on, actor) {
      try {
        await services.sfu.call('setWorkerDraining', { workerIndex: index, draining: on });
      } catch (error) {
        if (error instanceof SfuError && error.code === 'INVALID_REQUEST') return undefined;
        throw error;
      }
      await services.audit.record({
        action: on ? 'sfu.drain' : 'sfu.undrain',
        actor: actor.subject,
        target: `worker:${index}`,
        room: undefined,
        at: new Date(),
        details: {},
        ip: actor.ip,
      });
      return (await sfuLoad()).find((w) => w.index === index);
    },
    async rooms() {
      const live: LiveRoomView[] = [];
      const names = [...services.rooms.rooms()].map((r) => r.name).sort();
      for (const name of names) {
        const control = await services.store.read(name);
        if (control) live.push(describeRoom(name, control, null));
      }
      return live;
    },
    async closeRoom(name, actor: AdminActor) {
      const ended = await services.membership.closeMeeting(name);
      const hadMedia = services.rooms.room(name) !== undefined;
      if (!ended && !hadMedia) return false;
      await services.audit.record({
        action: 'meeting.end',
        actor: actor.subject,
        target: name,
        room: name,
        at: new Date(),
        details: {
          by: 'admin',
          participants: Object.keys(ended?.members ?? {}).length,
          lobby: Object.keys(ended?.lobby ?? {}).length,
        },
        ip: actor.ip,
      });
      // closeMeeting closed the SFU room too.
      return true;
    },
  };
}

/** A room's control state as admins see it; `node`: the SFU node its media is on. */
export function describeRoom(
  name: string,
  control: RoomControl,
  node: string | null,
): LiveRoomView {
  const members = Object.values(control.members).sort((a, b) => a.joinedAt - b.joinedAt);
  const first = members[0];
  return {
    name,
    participants: members.map((m) => ({
      peerId: m.peerId,
      name: m.displayName,
      role: m.role,
      guest: m.guest,
      disconnected: m.disconnectedAt !== undefined,
      node,
    })),
    lobby: Object.keys(control.lobby).length,
    locked: control.settings.locked,
    started: first ? new Date(first.joinedAt).toISOString() : null,
  };
}
