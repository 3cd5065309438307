// What the admin dashboard reads: SFU nodes, workers and live rooms (and
// changes: drain, close), offices, their rooms and meeting history; and the
// relay check's probes.
import type { TurnProbe } from '../../../signaling/protocol/api/turnProbe.js';
import { createApiFetch, type RoomView } from '../bookings/api.js';

export type { TurnProbe };

export interface Office {
  readonly id: string;
  readonly name: string;
  readonly organisationId: string | null;
}

export interface MeetingRecord {
  readonly id: string;
  readonly room: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly peakParticipants: number;
  readonly participants: readonly { displayName: string; seconds: number }[];
}

export interface SfuWorker {
  readonly index: number;
  readonly pid: number;
  readonly rooms: number;
  readonly transports: number;
  readonly consumers: number;
  readonly draining: boolean;
  /** Cumulative CPU time, ms. */
  readonly cpuMs: number | null;
}

export interface LiveParticipant {
  readonly peerId: string;
  readonly name: string;
  readonly role: 'host' | 'cohost' | 'participant' | 'guest';
  readonly guest: boolean;
  readonly disconnected: boolean;
  /** The SFU node this participant's media is on; null when not known. */
  readonly node: string | null;
}

export interface SfuNode {
  readonly id: string;
  readonly incarnation: string | null;
  readonly state: 'SERVING' | 'DRAINING' | 'UNREACHABLE';
  readonly version: string | null;
  readonly internalUrl: string | null;
  readonly mediaAddress: string | null;
  readonly pipeAddress: string | null;
  readonly workers: readonly SfuWorker[];
  readonly capacity: number | null;
  readonly rooms: number;
  readonly peers: number;
  /** Its rooms and participants can be moved to other nodes. */
  readonly migratable: boolean;
}

export interface LiveRoom {
  readonly name: string;
  readonly participants: readonly LiveParticipant[];
  readonly lobby: number;
  readonly locked: boolean;
  readonly started: string | null;
}

export interface AdminApi {
  sfu(): Promise<SfuWorker[]>;
  setDraining(index: number, draining: boolean): Promise<SfuWorker>;
  nodes(): Promise<SfuNode[]>;
  /** Drains a node (no new placements; what it carries goes on) or lets it take new ones. */
  setNodeDraining(id: string, draining: boolean): Promise<SfuNode>;
  /** Drains the node and moves its rooms and participants to other nodes. */
  migrateNode(id: string): Promise<SfuNode>;
  liveRooms(): Promise<LiveRoom[]>;
  closeRoom(name: string): Promise<void>;
  offices(): Promise<Office[]>;
  rooms(officeId: string): Promise<RoomView[]>;
  meetings(officeId: string, limit: number): Promise<MeetingRecord[]>;
  /** Opens a relay-check probe (on that node, else the least loaded) with fresh TURN credentials. */
  openTurnProbe(nodeId?: string): Promise<TurnProbe>;
  connectTurnProbe(probeId: string, dtlsParameters: unknown): Promise<void>;
  closeTurnProbe(probeId: string): Promise<void>;
}

export function createAdminApi(token: () => string | undefined): AdminApi {
  const { json } = createApiFetch(token);
  const office = (id: string) => `/api/offices/${encodeURIComponent(id)}`;
  const probe = (id: string) => `/api/admin/turn/probe/${encodeURIComponent(id)}`;
  return {
    sfu: async () => (await json<{ workers: SfuWorker[] }>('GET', '/api/admin/sfu')).workers,
    setDraining: (index, draining) =>
      json('POST', `/api/admin/sfu/workers/${index}/${draining ? 'drain' : 'undrain'}`),
    nodes: async () => (await json<{ nodes: SfuNode[] }>('GET', '/api/admin/nodes')).nodes,
    setNodeDraining: (id, draining) =>
      draining
        ? json('POST', `/api/admin/nodes/${encodeURIComponent(id)}/drain`, { migrate: false })
        : json('POST', `/api/admin/nodes/${encodeURIComponent(id)}/undrain`),
    migrateNode: (id) =>
      json('POST', `/api/admin/nodes/${encodeURIComponent(id)}/drain`, { migrate: true }),
    liveRooms: async () => (await json<{ rooms: LiveRoom[] }>('GET', '/api/admin/rooms')).rooms,
    async closeRoom(name) {
      await json('POST', `/api/admin/rooms/${encodeURIComponent(name)}/close`);
    },
    offices: async () => (await json<{ offices: Office[] }>('GET', '/api/offices')).offices,
    rooms: async (officeId) =>
      (await json<{ rooms: RoomView[] }>('GET', `/api/rooms?${new URLSearchParams({ officeId })}`))
        .rooms,
    meetings: async (officeId, limit) =>
      (
        await json<{ meetings: MeetingRecord[] }>(
          'GET',
          `${office(officeId)}/meetings?${new URLSearchParams({ limit: String(limit) })}`,
        )
      ).meetings,
    openTurnProbe: (nodeId) =>
      json('POST', '/api/admin/turn/probe', nodeId === undefined ? {} : { nodeId }),
    async connectTurnProbe(probeId, dtlsParameters) {
      await json('POST', `${probe(probeId)}/connect`, { dtlsParameters });
    },
    async closeTurnProbe(probeId) {
      await json('DELETE', probe(probeId));
    },
  };
}
