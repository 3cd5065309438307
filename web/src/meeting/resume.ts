// Coming back after a dropped signaling connection. Our WebRTC transports run
// between the browser and the SFU, not through signaling: when only the
// signaling connection dropped (or its node died and we reconnect to another
// one), the media never stopped, and the server can hand the same SFU peer to
// our new connection. We ask for that with `keepMedia` when we still have
// media to keep; the reply says whether we got it (`media: 'kept'`) or must
// build it again (`'fresh'`, or a server that does not say: it predates
// keeping media, so our old transports are gone there).
import type { MediaSource } from '../../../signaling/protocol/index.js';

/** What a join adds to resume a dropped place. */
export interface ResumeFields {
  resumeToken?: string;
  keepMedia?: boolean;
}

/**
 * The resume part of a join. Without a token (first join, or a page reload,
 * which forgets it) there is nothing to resume. With one, `keepMedia` says
 * whether our media is still running here; a client that lost it (it never
 * started, or failed) asks the server to let the old SFU peer go.
 */
export function resumeFields(resumeToken: string | undefined, mediaLive: boolean): ResumeFields {
  return resumeToken ? { resumeToken, keepMedia: mediaLive } : {};
}

/** What to do with our media once a join reply arrived. */
export type MediaAfterJoin = 'start' | 'keep' | 'rebuild';

export function mediaAfterJoin(
  reply: { resumed: boolean; media?: 'kept' | 'fresh' | undefined },
  mediaLive: boolean,
): MediaAfterJoin {
  if (!mediaLive) return 'start';
  return reply.resumed && reply.media === 'kept' ? 'keep' : 'rebuild';
}

interface ConsumedTrack {
  readonly consumerId: string;
  readonly producerId: string;
}

interface ListedPeer {
  readonly producers: readonly { readonly producerId: string; readonly source: MediaSource }[];
}

/**
 * Consumers whose producer is no longer in the room: their closing happened
 * while we were away and its notification went to no one. The join reply's
 * peers list every producer that is left.
 */
export function staleConsumers(
  tracks: readonly ConsumedTrack[],
  peers: readonly ListedPeer[],
): string[] {
  const live = new Set(peers.flatMap((p) => p.producers.map((x) => x.producerId)));
  return tracks.filter((t) => !live.has(t.producerId)).map((t) => t.consumerId);
}
