// The contract's pipe methods (openPipe … closePipe) over a node's rooms: each
// finds the room's part on this node and hands over to its pipes (pipes.ts).
import type { SfuRequest, SfuResponse } from '../api/methods.js';
import type { Room } from './room.js';

type PipeMethod = 'openPipe' | 'connectPipe' | 'pipeProducer' | 'acceptPipedProducer' | 'closePipe';
export type PipeHandlers = {
  [M in PipeMethod]: (req: SfuRequest<M>) => Promise<SfuResponse<M>>;
};

export function createPipeHandlers(rooms: {
  /** The open room (one being opened or rebuilt is waited for); ROOM_NOT_FOUND otherwise. */
  live(roomId: string): Promise<Room>;
  /** The open room, if it is. */
  open(roomId: string): Room | undefined;
}): PipeHandlers {
  return {
    async openPipe({ roomId, remoteNodeId }) {
      return (await rooms.live(roomId)).pipes.open(remoteNodeId);
    },
    async connectPipe({ roomId, remoteNodeId, pipeId, remote }) {
      await (await rooms.live(roomId)).pipes.connect(remoteNodeId, pipeId, remote);
      return {};
    },
    async pipeProducer({ roomId, remoteNodeId, producerId }) {
      return (await rooms.live(roomId)).pipes.send(remoteNodeId, producerId);
    },
    async acceptPipedProducer({ roomId, remoteNodeId, producer, rtpParameters, observe }) {
      const r = await rooms.live(roomId);
      await r.pipes.accept(remoteNodeId, { producer, rtpParameters }, observe ?? false);
      return {};
    },
    async closePipe({ roomId, remoteNodeId, producerId }) {
      // Idempotent: a room, pipe or producer already gone is fine.
      await rooms.open(roomId)?.pipes.close(remoteNodeId, producerId);
      return {};
    },
  };
}
