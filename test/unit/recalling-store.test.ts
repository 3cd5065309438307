// After Redis lost its data, the signaling nodes write their parts of each
// room again one after the other. A request of a member of a node that has
// not written its part yet must not find itself "no longer in this room"
// because another node already wrote the room with only its own members.
import { describe, expect, it } from 'vitest';
import { newRoomControl, type MemberState } from '../../signaling/rooms/control.js';
import { createRecallingStore } from '../../signaling/rooms/recallingStore.js';
import { createMemoryStateStore } from '../../signaling/rooms/stateStore.js';

const member = (peerId: string, node: string): MemberState => ({
  peerId,
  userId: `user-${peerId}`,
  displayName: peerId,
  guest: false,
  role: peerId === 'host' ? 'host' : 'participant',
  node,
  socketId: `socket-${peerId}`,
  joinedAt: 1_000,
});

const room = (members: MemberState[]) => {
  const control = newRoomControl('room', false);
  control.members = Object.fromEntries(members.map((m) => [m.peerId, m]));
  return control;
};

describe('a room written again by another node first', () => {
  it('a member of this node finds itself in the room once this node wrote its part', async () => {
    const shared = createMemoryStateStore();
    let looked = 0;
    // Node B: its member bob; the room as B last saw it had A's host too.
    const b = createRecallingStore(shared, {
      async missing(name) {
        looked += 1;
        // B notices Redis lost its data and writes its own part again.
        await shared.update(name, (state) => {
          state!.members['bob'] = member('bob', 'B');
          return { next: state, result: undefined };
        });
        return true;
      },
    });
    await shared.update('room', () => ({
      next: room([member('host', 'A'), member('bob', 'B')]),
      result: undefined,
    }));
    await b.read('room');
    // Redis restarted empty; node A wrote the room again with its own member only.
    await shared.update('room', () => ({ next: room([member('host', 'A')]), result: undefined }));

    const seen = await b.read('room');
    expect(seen?.members['bob']?.node).toBe('B');
    expect(looked).toBe(1);
  });

  it('a member gone for good costs one look, not one per read', async () => {
    const shared = createMemoryStateStore();
    let looked = 0;
    const b = createRecallingStore(shared, {
      missing: async () => {
        looked += 1;
        return false;
      },
    });
    await shared.update('room', () => ({
      next: room([member('host', 'A'), member('ann', 'A')]),
      result: undefined,
    }));
    await b.read('room');
    await shared.update('room', () => ({ next: room([member('host', 'A')]), result: undefined }));
    expect(Object.keys((await b.read('room'))!.members)).toEqual(['host']);
    await b.read('room');
    expect(looked).toBe(1);
  });
});
