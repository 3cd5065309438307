// When a room's media is lost (its SFU node fenced itself after Redis was
// away) and no SFU node can take the room yet — Redis lost the registry and
// the nodes have not registered again — the signaling node tries again
// until one can, and then tells its peers to rebuild their media. Before,
// the one failed attempt was final and those peers kept media that was gone.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { createRoomRegistry } from '../../signaling/rooms/registry.js';
import { createSfuEventFollower, type SfuEventPorts } from '../../signaling/rooms/sfuEvents.js';
import type { MediaView } from '../../signaling/rooms/mediaView.js';
import type { Notifier } from '../../signaling/socket/notifier.js';
import { testLogger } from '../harness/sfu.js';

afterEach(() => vi.useRealTimers());

describe('room media lost while no SFU node is listed', () => {
  it('the node reopens the room once a node is back and its peers rebuild', async () => {
    vi.useFakeTimers();
    const rooms = createRoomRegistry();
    rooms.addPeer({
      id: 'peer-1',
      roomName: 'room',
      epoch: 'old',
      userId: 'user-1',
      displayName: 'Anna',
      socketId: 'socket-1',
    });
    let nodes = 0;
    const calls: string[] = [];
    const sfu = {
      async call(method: string) {
        calls.push(method);
        if (method === 'openRoom') {
          if (nodes === 0) throw new Error('no SFU node can take room room');
          return { rtpCapabilities: { codecs: [], headerExtensions: [] }, epoch: 'new' };
        }
        // attachPeer: a fresh peer without media.
        return { transports: [], producers: [], consumers: [] };
      },
    } as unknown as SfuApi;
    const resets: string[] = [];
    const notify = {
      toSocket: (socketId: string, type: string) => {
        if (type === 'mediaReset') resets.push(socketId);
      },
    } as unknown as Notifier;
    const media = { track: () => undefined } as unknown as MediaView;
    const ports = {
      sfu,
      rooms,
      media,
      notify,
      log: testLogger(),
      node: 'signaling-1',
      leaseMs: 5000,
      store: undefined,
    } as unknown as SfuEventPorts;
    const follower = createSfuEventFollower(ports);

    follower.onEvent({
      type: 'roomMediaLost',
      roomId: 'room',
      reason: 'sfuRestarted',
      epoch: 'old',
      seq: 1,
    } as never);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toEqual(['openRoom']);
    expect(resets).toEqual([]);

    // The SFU nodes register again.
    nodes = 1;
    await vi.advanceTimersByTimeAsync(5000);
    expect(resets).toEqual(['socket-1']);
    expect(rooms.peer('room', 'peer-1')?.epoch).toBe('new');
  });
});
