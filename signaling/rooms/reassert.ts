// A node's own part of a room, written again after Redis lost the room's
// state: the members this node serves (with their roles, places in the
// raised-hands queue, join times, and dropped connections still in their
// grace period), the people it keeps waiting in the lobby, and — when it is
// the first to write — the room's settings, bans and meeting as it last saw
// them. Every node serving the room does the same; each adds its own part to
// whatever the others wrote, so the room is put together again rather than
// overwritten. Pure: the recovery (cluster/roomRecovery.ts) supplies the
// state it last saw and its live connections, and writes the result.
import type { MemberState, RoomControl } from './control.js';

export interface OwnPart {
  /** This signaling node's id. */
  readonly node: string;
  /** This node's live connections in the room: peer id → socket id. */
  readonly connected: ReadonlyMap<string, string>;
  /** This node's connections waiting in the room's lobby: peer id → socket id. */
  readonly waiting: ReadonlyMap<string, string>;
}

export interface Reassertion {
  /** The state to write; undefined when this node has no part in the room (write nothing). */
  next: RoomControl | undefined;
  /** Members whose role was lowered: a second host (see below) became a participant. */
  demoted: MemberState[];
}

/**
 * Members of this node in the state it last saw: those still connected here
 * (same connection), and those whose connection dropped and whose place is
 * kept for a resume (this node's grace timers still run for them).
 */
function ownMembers(recalled: RoomControl, own: OwnPart): MemberState[] {
  return Object.values(recalled.members).filter(
    (m) =>
      m.node === own.node &&
      (own.connected.get(m.peerId) === m.socketId ||
        (m.disconnectedAt !== undefined && !own.connected.has(m.peerId))),
  );
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/**
 * Raised hands of both, in the order this node last saw them; hands it did
 * not know of keep their order after those it did.
 */
function mergeHands(current: readonly string[], ours: readonly string[], order: readonly string[]) {
  const rank = (peerId: string) => {
    const i = order.indexOf(peerId);
    return i < 0 ? order.length : i;
  };
  return union(current, ours).sort((a, b) => rank(a) - rank(b));
}

/**
 * One host per room. Two can meet here only when someone entered the room in
 * the moment its state was missing and, finding nobody, became its host: the
 * host who was there first stays host, the other takes a participant's place.
 */
function oneHost(control: RoomControl): MemberState[] {
  const hosts = Object.values(control.members)
    .filter((m) => m.role === 'host')
    .sort((a, b) => a.joinedAt - b.joinedAt);
  const demoted = hosts.slice(1);
  for (const member of demoted) member.role = 'participant';
  return demoted;
}

/** This node's lobby entries in the state it last saw that still wait here. */
const ownWaiting = (recalled: RoomControl, own: OwnPart) =>
  Object.values(recalled.lobby).filter(
    (e) => e.node === own.node && own.waiting.get(e.peerId) === e.socketId,
  );

/** Whether this node has a part to write in the room (else it need not remember it). */
export function hasOwnPart(recalled: RoomControl, own: OwnPart): boolean {
  return ownMembers(recalled, own).length > 0 || ownWaiting(recalled, own).length > 0;
}

export function reassertRoom(
  current: RoomControl | undefined,
  recalled: RoomControl,
  own: OwnPart,
): Reassertion {
  const members = ownMembers(recalled, own);
  const waiting = ownWaiting(recalled, own);
  if (members.length === 0 && waiting.length === 0) return { next: undefined, demoted: [] };
  const next: RoomControl = current
    ? structuredClone(current)
    : { ...structuredClone(recalled), members: {}, lobby: {}, hands: [], activeSpeaker: undefined };
  next.banned = union(next.banned, recalled.banned);
  next.admitted = union(next.admitted, recalled.admitted);
  const added = members.filter((m) => !next.members[m.peerId] && !next.banned.includes(m.userId));
  for (const member of added) next.members[member.peerId] = member;
  for (const entry of waiting) {
    if (!next.lobby[entry.peerId] && !next.members[entry.peerId]) next.lobby[entry.peerId] = entry;
  }
  const raised = recalled.hands.filter((p) => added.some((m) => m.peerId === p));
  next.hands = mergeHands(next.hands, raised, recalled.hands);
  if (next.activeSpeaker === undefined && recalled.activeSpeaker !== undefined) {
    if (next.members[recalled.activeSpeaker]) next.activeSpeaker = recalled.activeSpeaker;
  }
  // The meeting that was running goes on: the one that began first.
  const recalledFirst =
    recalled.meetingId !== undefined &&
    (next.meetingId === undefined ||
      (recalled.meetingStartedAt ?? Infinity) < (next.meetingStartedAt ?? Infinity));
  if (recalledFirst) {
    next.meetingId = recalled.meetingId;
    next.meetingStartedAt = recalled.meetingStartedAt;
  }
  return { next, demoted: oneHost(next) };
}
