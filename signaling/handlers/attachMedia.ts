// A member's SFU peer on entry: this node opens the room and takes the peer
// under its lease (the SFU peer id is the member's peer id). On a resume the
// peer is adopted from whichever node held it; its media carries on when the
// client kept its own (`keepMedia`), and is started afresh otherwise.
import type { Services } from '../core/context.js';
import type { RtpCapabilities } from '../protocol/index.js';
import { withoutOldMedia } from '../rooms/freshPeer.js';

export interface AttachedMedia {
  rtpCapabilities: RtpCapabilities;
  epoch: string;
  /** With a resume: whether the connection carries on with its media. */
  media: 'kept' | 'fresh';
  /** What the adopted peer has (empty unless kept). */
  transports: Array<[string, 'send' | 'recv']>;
  consumers: Array<[string, string]>;
}

export async function attachMedia(
  services: Services,
  roomId: string,
  peerId: string,
  resume: { keepMedia: boolean } | undefined,
): Promise<AttachedMedia> {
  const owner = services.node;
  const leaseMs = services.leaseMs;
  const { rtpCapabilities } = await services.sfu.call('openRoom', { roomId, owner, leaseMs });
  const hold = { roomId, peerId, owner, leaseMs };
  let attached = await services.sfu.call('attachPeer', hold);
  if (resume?.keepMedia && attached.adopted && attached.transports.length > 0) {
    return {
      rtpCapabilities,
      epoch: attached.epoch,
      media: 'kept',
      transports: attached.transports.map((t) => [t.transportId, t.direction]),
      consumers: attached.consumers.map((c) => [c.consumerId, c.producerId]),
    };
  }
  // The client starts again: the old transports, producers and consumers go
  // first, so the others drop its old streams and nothing is sent twice.
  if (attached.adopted) attached = await withoutOldMedia(services.sfu, hold, attached);
  return { rtpCapabilities, epoch: attached.epoch, media: 'fresh', transports: [], consumers: [] };
}
