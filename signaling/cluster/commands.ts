// Commands that run on the node serving a peer: it holds the peer's SFU lease
// and its connection (a host's mute is said to the muted person there). Local
// peers are handled directly; others are sent to every node through the
// socket.io adapter and the serving node executes them.
import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { mediaSourceSchema, type MediaSource } from '../protocol/index.js';
import { pauseSources, type MediaPausePorts } from '../rooms/mediaPause.js';

const pauseCommandSchema = z.object({
  room: z.string(),
  peerId: z.string(),
  sources: z.array(mediaSourceSchema),
  byName: z.string(),
});
type PauseCommand = z.infer<typeof pauseCommandSchema>;

export interface InterServerEvents {
  'veche:pause': (command: PauseCommand) => void;
}

export interface PeerCommands {
  /** Pauses a peer's producers of these sources, on whichever node serves it. */
  pause(
    room: string,
    peerId: string,
    sources: readonly MediaSource[],
    byName: string,
  ): Promise<void>;
}

/** The inter-node channel (socket.io's server-side events through the adapter). */
export interface CommandBus {
  onPause(listener: (raw: unknown) => void): void;
  sendPause(command: PauseCommand): void;
}

export interface PeerCommandPorts extends MediaPausePorts {
  readonly bus: CommandBus;
  readonly log: Logger;
}

export function createPeerCommands(ports: PeerCommandPorts): PeerCommands {
  const { bus, rooms, log } = ports;
  bus.onPause((raw) => {
    const command = pauseCommandSchema.safeParse(raw);
    if (!command.success) return;
    const { room, peerId, sources, byName } = command.data;
    if (!rooms.peer(room, peerId)) return;
    pauseSources(ports, room, peerId, sources, byName).catch((error: unknown) => {
      log.error({ err: error, room, peer: peerId }, 'remote pause failed');
    });
  });
  return {
    async pause(room, peerId, sources, byName) {
      if (rooms.peer(room, peerId)) {
        await pauseSources(ports, room, peerId, sources, byName);
        return;
      }
      bus.sendPause({ room, peerId, sources: [...sources], byName });
    },
  };
}
