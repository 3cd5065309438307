// Which rooms' SFU events this node follows: those it has connections in
// (members or lobby entries), and only those. The SFU node then sends it
// those rooms' events and no others.
import type { SfuApi } from '../../sfu/api/index.js';
import type { MediaView } from './mediaView.js';
import type { RoomRegistry } from './registry.js';

export interface RoomWatchPorts {
  readonly sfu: Pick<SfuApi, 'watchRoom' | 'unwatchRoom'>;
  readonly rooms: Pick<RoomRegistry, 'room'>;
  readonly media: Pick<MediaView, 'track' | 'forget' | 'tracked'>;
  /** Rooms where connections of this node wait in the lobby. */
  lobbyRooms(): Iterable<string>;
}

export interface RoomWatch {
  /** Watches or stops watching `room` as this node's connections in it require. */
  update(room: string): void;
}

export function createRoomWatch(ports: RoomWatchPorts): RoomWatch {
  const waiting = (room: string) => {
    for (const r of ports.lobbyRooms()) if (r === room) return true;
    return false;
  };
  return {
    update(room) {
      const wanted = ports.rooms.room(room) !== undefined || waiting(room);
      if (wanted && !ports.media.tracked(room)) {
        // Subscribed before the view asks for the room's producers, so no
        // event between its answer and the subscription is lost.
        ports.sfu.watchRoom(room);
        ports.media.track(room);
      } else if (!wanted && ports.media.tracked(room)) {
        ports.media.forget(room);
        ports.sfu.unwatchRoom(room);
      }
    },
  };
}
