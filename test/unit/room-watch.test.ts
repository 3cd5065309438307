import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMediaView } from '../../signaling/rooms/mediaView.js';
import { createRoomRegistry } from '../../signaling/rooms/registry.js';
import { createRoomWatch } from '../../signaling/rooms/roomWatch.js';

describe('rooms a signaling node watches', () => {
  it('watches a room while it has connections or lobby entries there, and only then', async () => {
    const calls: string[] = [];
    const lobby = new Set<string>();
    const rooms = createRoomRegistry();
    const media = createMediaView({
      listProducers: async () => ({ epoch: 'e1', seq: 0, producers: [] }),
      onEvent: () => undefined,
      onChange: () => undefined,
      log: pino({ level: 'silent' }),
    });
    const watch = createRoomWatch({
      sfu: {
        watchRoom: (room) => calls.push(`watch ${room}`),
        unwatchRoom: (room) => calls.push(`unwatch ${room}`),
      },
      rooms,
      media,
      lobbyRooms: () => lobby,
    });
    const peer = (id: string) =>
      rooms.addPeer({
        id,
        roomName: 'r',
        epoch: 'e1',
        userId: id,
        displayName: id,
        socketId: `s-${id}`,
      });

    lobby.add('r');
    watch.update('r');
    await media.synced('r');
    const anna = peer('anna');
    lobby.delete('r');
    watch.update('r');
    const boris = peer('boris');
    watch.update('r');
    rooms.removePeer('r', 'anna', anna);
    watch.update('r');
    expect(calls).toEqual(['watch r']);
    expect(media.epoch('r')).toBe('e1');

    rooms.removePeer('r', 'boris', boris);
    watch.update('r');
    watch.update('r');
    expect(calls).toEqual(['watch r', 'unwatch r']);
    expect(media.tracked('r')).toBe(false);
    watch.update('other');
    expect(calls).toHaveLength(2);
  });
});
