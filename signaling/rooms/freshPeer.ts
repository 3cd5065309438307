// A peer that starts its media afresh (a resume that could not keep them, a
// rebuild after its media were lost or its room moved): the SFU peer is held
// by this node, and whatever media it still has there go first, so the
// others drop its old streams and nothing is consumed that the client is
// about to replace.
import type { SfuApi, SfuRequest, SfuResponse } from '../../sfu/api/index.js';

type Attached = SfuResponse<'attachPeer'>;

const hasMedia = (attached: Attached): boolean =>
  attached.transports.length > 0 || attached.producers.length > 0 || attached.consumers.length > 0;

/** Takes the peer (`attached`: what attachPeer already answered) with no media left. */
export async function withoutOldMedia(
  sfu: SfuApi,
  hold: SfuRequest<'attachPeer'>,
  attached?: Attached,
): Promise<Attached> {
  const now = attached ?? (await sfu.call('attachPeer', hold));
  if (!hasMedia(now)) return now;
  await sfu.call('closePeer', { roomId: hold.roomId, peerId: hold.peerId });
  return sfu.call('attachPeer', hold);
}
