// Commands that must run on the node serving a peer (its media lives in that
// node's SFU). Local peers are handled directly; others are sent to every
// node through the socket.io adapter and the owner executes them.
import type { Server } from 'socket.io';
import { z } from 'zod';
import type { Services } from '../core/context.js';
import { pauseSources } from '../handlers/mediaControl.js';
import { mediaSourceSchema, type MediaSource } from '../protocol/index.js';

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

// socket.io's server type with our inter-server events; the other type
// parameters do not matter here.
type AnyServer = Server<never, never, InterServerEvents>;

export function createPeerCommands(io: AnyServer, services: () => Services): PeerCommands {
  io.on('veche:pause', (raw: unknown) => {
    const command = pauseCommandSchema.safeParse(raw);
    if (!command.success) return;
    const { room, peerId, sources, byName } = command.data;
    if (!services().rooms.peer(room, peerId)) return;
    pauseSources(services(), room, peerId, sources, byName).catch((error: unknown) => {
      services().log.error({ err: error, room, peer: peerId }, 'remote pause failed');
    });
  });
  return {
    async pause(room, peerId, sources, byName) {
      if (services().rooms.peer(room, peerId)) {
        await pauseSources(services(), room, peerId, sources, byName);
        return;
      }
      io.serverSideEmit('veche:pause', { room, peerId, sources: [...sources], byName });
    },
  };
}
