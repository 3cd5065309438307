// Turns SFU events into registry updates and client notifications.
import type { SfuApi, SfuEvent } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { Notifier } from '../socket/notifier.js';
import { resetMedia, type RoomRegistry } from './registry.js';
import type { RoomStateStore } from './stateStore.js';

export interface SfuEventPorts {
  readonly sfu: SfuApi;
  readonly rooms: RoomRegistry;
  readonly store: RoomStateStore;
  readonly notify: Notifier;
  readonly log: Logger;
}

async function reopen(services: SfuEventPorts, roomId: string, reason: string): Promise<void> {
  try {
    const { rtpCapabilities } = await services.sfu.call('openRoom', { roomId });
    services.notify.toRoom(roomId, 'mediaReset', {
      reason,
      routerRtpCapabilities: rtpCapabilities,
    });
  } catch (error) {
    services.log.error({ err: error, room: roomId }, 'could not reopen room media');
  }
}

/**
 * Keeps the room's active speaker in the shared state for newcomers. The SFU
 * names a speaker only when it changes, and an unchanged state is not written.
 */
async function rememberActiveSpeaker(services: SfuEventPorts, room: string, peerId: string) {
  try {
    await services.store.update(room, (state) => {
      // Someone who left meanwhile must not come back as the speaker.
      if (state?.members[peerId]) state.activeSpeaker = peerId;
      return { next: state, result: undefined };
    });
  } catch (error) {
    services.log.warn({ err: error, room }, 'active speaker not remembered');
  }
}

export function handleSfuEvent(services: SfuEventPorts, event: SfuEvent): void {
  switch (event.type) {
    case 'consumerClosed': {
      const peer = services.rooms.peerByMedia(event.roomId, event.peerId);
      if (!peer || !peer.consumers.delete(event.consumerId)) return;
      peer.receiving.delete(event.producerId);
      services.notify.toSocket(peer.socketId, 'consumerClosed', {
        consumerId: event.consumerId,
        producerId: event.producerId,
      });
      return;
    }
    case 'transportClosed': {
      // Frees its place under the per-peer transport cap.
      services.rooms.peerByMedia(event.roomId, event.peerId)?.transports.delete(event.transportId);
      return;
    }
    case 'producerClosed': {
      services.rooms.peerByMedia(event.roomId, event.peerId)?.producers.delete(event.producerId);
      return;
    }
    case 'roomMediaLost': {
      const room = services.rooms.room(event.roomId);
      if (!room) return;
      services.log.warn(
        { room: event.roomId, reason: event.reason },
        'room media lost; peers rebuild',
      );
      for (const peer of room.peers.values()) resetMedia(peer);
      void reopen(services, event.roomId, event.reason);
      return;
    }
    case 'workerDied':
      services.log.error(
        { worker: event.workerIndex, pid: event.pid, replaced: event.replaced },
        'SFU worker died',
      );
      return;
    case 'activeSpeaker': {
      const peer = services.rooms.peerByMedia(event.roomId, event.peerId);
      if (!peer) return;
      services.notify.toRoom(event.roomId, 'activeSpeaker', { peerId: peer.id });
      void rememberActiveSpeaker(services, event.roomId, peer.id);
      return;
    }
    case 'audioLevels': {
      const peerIds = event.levels.flatMap(
        ({ peerId }) => services.rooms.peerByMedia(event.roomId, peerId)?.id ?? [],
      );
      services.notify.toRoom(event.roomId, 'speaking', { peerIds });
      return;
    }
    case 'consumerPaused':
    case 'consumerResumed':
      // Producer pause/resume reaches clients as producerPaused/Resumed.
      return;
    case 'producerOpened':
    case 'producerPaused':
    case 'producerResumed':
    case 'peerClosed':
    case 'roomClosed':
      // Not yet followed: signaling's own registry still drives consumption.
      return;
    default: {
      const unhandled: never = event;
      services.log.warn({ event: unhandled }, 'unhandled SFU event');
    }
  }
}
