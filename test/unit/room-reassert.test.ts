// Rebuilding a room after Redis lost its state: each signaling node writes
// its own part again (its members as they were, who waits in its lobbies,
// and — first to write — the room as it last saw it), merged into what other
// nodes already wrote; and requests that find a room missing let the node
// rebuild it before they act on "no such room".
import { describe, expect, it } from 'vitest';
import {
  newRoomControl,
  type MemberState,
  type RoomControl,
} from '../../signaling/rooms/control.js';
import { hasOwnPart, reassertRoom, type OwnPart } from '../../signaling/rooms/reassert.js';
import { createRecallingStore } from '../../signaling/rooms/recallingStore.js';
import { createMemoryStateStore } from '../../signaling/rooms/stateStore.js';

const member = (
  peerId: string,
  node: string,
  role: MemberState['role'],
  joinedAt: number,
  extra: Partial<MemberState> = {},
): MemberState => ({
  peerId,
  userId: `user-${peerId}`,
  displayName: peerId,
  guest: false,
  role,
  node,
  socketId: `socket-${peerId}`,
  joinedAt,
  ...extra,
});

/** The room as both nodes last saw it: a host and a participant on A, one on B; two hands up. */
function meeting(): RoomControl {
  const control = newRoomControl('room', false);
  control.settings.locked = true;
  control.passcodeHash = 'scrypt$hash';
  control.banned = ['user-troll'];
  control.admitted = ['user-guest'];
  control.meetingId = 'meeting-1';
  control.meetingStartedAt = 1_000;
  control.members = {
    host: member('host', 'A', 'host', 1_000),
    ann: member('ann', 'A', 'participant', 2_000),
    bob: member('bob', 'B', 'participant', 3_000),
  };
  control.hands = ['bob', 'ann'];
  control.activeSpeaker = 'bob';
  return control;
}

const part = (
  node: string,
  connected: string[],
  waiting: Array<[string, string]> = [],
): OwnPart => ({
  node,
  connected: new Map(connected.map((p) => [p, `socket-${p}`])),
  waiting: new Map(waiting),
});

describe('a node’s part of a room, written again', () => {
  it('the first node to write brings the room back with its own members only', () => {
    const { next, demoted } = reassertRoom(undefined, meeting(), part('A', ['host', 'ann']));
    expect(Object.keys(next!.members).sort()).toEqual(['ann', 'host']);
    expect(next!.members['host']).toEqual(meeting().members['host']);
    expect(next!.hands).toEqual(['ann']);
    // The room as it was: settings, passcode, bans, admissions, the meeting.
    expect(next!.settings.locked).toBe(true);
    expect(next!.passcodeHash).toBe('scrypt$hash');
    expect(next!.banned).toEqual(['user-troll']);
    expect(next!.admitted).toEqual(['user-guest']);
    expect(next!.meetingId).toBe('meeting-1');
    // The speaker is B's member: B brings it back, not A.
    expect(next!.activeSpeaker).toBeUndefined();
    expect(demoted).toEqual([]);
  });

  it('the second node adds its members to what the first wrote, hands in their old order', () => {
    const first = reassertRoom(undefined, meeting(), part('A', ['host', 'ann'])).next!;
    const { next } = reassertRoom(first, meeting(), part('B', ['bob']));
    expect(Object.keys(next!.members).sort()).toEqual(['ann', 'bob', 'host']);
    expect(next!.members['host']!.role).toBe('host');
    expect(next!.hands).toEqual(['bob', 'ann']);
    expect(next!.activeSpeaker).toBe('bob');
    // And the other way round: the same room whichever node writes first.
    const bFirst = reassertRoom(undefined, meeting(), part('B', ['bob'])).next!;
    const both = reassertRoom(bFirst, meeting(), part('A', ['host', 'ann'])).next!;
    expect(both).toEqual(next);
  });

  it('what the first writer found newer than the second’s memory stays', () => {
    const first = reassertRoom(undefined, meeting(), part('A', ['host', 'ann'])).next!;
    first.settings.locked = false; // unlocked since by the host
    first.members['ann']!.role = 'cohost';
    const stale = meeting();
    stale.banned = ['user-other'];
    const { next } = reassertRoom(first, stale, part('B', ['bob']));
    expect(next!.settings.locked).toBe(false);
    expect(next!.members['ann']!.role).toBe('cohost');
    // Bans are never lost: both nodes' are kept.
    expect(next!.banned.sort()).toEqual(['user-other', 'user-troll']);
  });

  it('only members still connected here come back, and dropped ones keep their place', () => {
    const seen = meeting();
    seen.members['ann'] = member('ann', 'A', 'participant', 2_000, { disconnectedAt: 5_000 });
    seen.members['gone'] = member('gone', 'A', 'participant', 4_000);
    // `host` reconnected on a new connection of this node since: not the one remembered.
    const own: OwnPart = {
      node: 'A',
      connected: new Map([['host', 'socket-host-2']]),
      waiting: new Map(),
    };
    const { next } = reassertRoom(undefined, seen, own);
    expect(Object.keys(next!.members)).toEqual(['ann']);
    expect(next!.members['ann']!.disconnectedAt).toBe(5_000);
  });

  it('people waiting in this node’s lobby wait again; those gone from it do not', () => {
    const seen = meeting();
    seen.settings.lobby = true;
    const entry = (peerId: string) => ({
      peerId,
      userId: `guest:${peerId}`,
      displayName: peerId,
      guest: true,
      role: 'guest' as const,
      node: 'A',
      socketId: `socket-${peerId}`,
      since: 6_000,
    });
    seen.lobby = { waiting: entry('waiting'), left: entry('left') };
    const { next } = reassertRoom(
      undefined,
      seen,
      part('A', ['host'], [['waiting', 'socket-waiting']]),
    );
    expect(Object.keys(next!.lobby)).toEqual(['waiting']);
    expect(next!.settings.lobby).toBe(true);
  });

  it('a node with no part in the room writes nothing and need not remember it', () => {
    expect(reassertRoom(undefined, meeting(), part('C', [])).next).toBeUndefined();
    expect(hasOwnPart(meeting(), part('C', []))).toBe(false);
    expect(hasOwnPart(meeting(), part('B', ['bob']))).toBe(true);
    expect(hasOwnPart(meeting(), part('B', []))).toBe(false);
  });

  it('someone who made the missing room theirs meanwhile is no host, and the old meeting goes on', () => {
    // A newcomer found the room empty and became host of a new meeting.
    const taken = newRoomControl('room', false);
    taken.members = { newcomer: member('newcomer', 'C', 'host', 9_000) };
    taken.meetingId = 'meeting-2';
    taken.meetingStartedAt = 9_000;
    const { next, demoted } = reassertRoom(taken, meeting(), part('A', ['host', 'ann']));
    expect(next!.members['host']!.role).toBe('host');
    expect(next!.members['newcomer']!.role).toBe('participant');
    expect(demoted.map((m) => m.peerId)).toEqual(['newcomer']);
    expect(next!.meetingId).toBe('meeting-1');
    expect(next!.meetingStartedAt).toBe(1_000);
  });

  it('a member banned by another node meanwhile does not come back', () => {
    const banned = reassertRoom(undefined, meeting(), part('A', ['host', 'ann'])).next!;
    banned.banned.push('user-bob');
    const { next } = reassertRoom(banned, meeting(), part('B', ['bob']));
    expect(next!.members['bob']).toBeUndefined();
    expect(next!.hands).toEqual(['ann']);
  });
});

describe('the store as a node uses it when Redis may lose its data', () => {
  it('remembers the last state read or written, and forgets a deleted room', async () => {
    const store = createRecallingStore(createMemoryStateStore(), { missing: async () => false });
    await store.update('room', () => ({ next: meeting(), result: undefined }));
    expect(store.recall('room')?.members['host']?.role).toBe('host');
    // A private copy: changing it changes nothing remembered.
    store.recall('room')!.members['host']!.role = 'guest';
    expect(store.recall('room')?.members['host']?.role).toBe('host');
    await store.update('room', (state) => {
      state!.hands = [];
      return { next: state, result: undefined };
    });
    expect(store.recall('room')?.hands).toEqual([]);
    await store.update('room', () => ({ next: undefined, result: undefined }));
    expect(store.recall('room')).toBeUndefined();
    expect([...store.recalled()]).toEqual([]);
  });

  it('a request that finds the room missing acts on the room rebuilt meanwhile', async () => {
    const shared = createMemoryStateStore();
    let asked = 0;
    const store = createRecallingStore(shared, {
      // Redis lost the room: the node writes it again.
      async missing(room) {
        asked += 1;
        await shared.update(room, () => ({ next: meeting(), result: undefined }));
        return true;
      },
    });
    const seen: Array<RoomControl | undefined> = [];
    const role = await store.update('room', (state) => {
      seen.push(state);
      return { next: state, result: state?.members['host']?.role };
    });
    expect(role).toBe('host');
    // The change never saw the room missing: it ran once, on the rebuilt state.
    expect(seen).toHaveLength(1);
    expect(asked).toBe(1);
    expect((await store.read('room'))?.members['bob']).toBeDefined();
  });

  it('a room that really is gone is gone after one look', async () => {
    let asked = 0;
    const store = createRecallingStore(createMemoryStateStore(), {
      missing: async () => {
        asked += 1;
        return false;
      },
    });
    expect(await store.read('nothing')).toBeUndefined();
    const created = await store.update('fresh', (state) => ({
      next: state ?? newRoomControl('fresh', false),
      result: state === undefined,
    }));
    expect(created).toBe(true);
    expect(asked).toBe(2);
  });
});
