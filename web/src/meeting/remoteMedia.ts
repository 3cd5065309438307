// What we receive, arranged for the UI: each participant's tracks, and the
// screen share to show large.
import type { RemoteTrack } from '../media/session.js';
import type { RemotePeer } from './peers.js';
import type { ScreenShown } from './Stage.js';
import type { PeerTracks } from './Tile.js';

export function tracksByPeer(remote: readonly RemoteTrack[]): Map<string, PeerTracks> {
  const byPeer = new Map<string, PeerTracks>();
  for (const { peerId, source, track, consumerId } of remote) {
    const tracks = byPeer.get(peerId) ?? {};
    if (source === 'mic') {
      tracks.audio = track;
      tracks.audioConsumerId = consumerId;
    } else if (source === 'screen') tracks.screen = track;
    else if (source === 'screenAudio') tracks.screenAudio = track;
    else {
      tracks.video = track;
      tracks.videoConsumerId = consumerId;
    }
    byPeer.set(peerId, tracks);
  }
  return byPeer;
}

/** The most recent screen share of someone shown in the meeting. */
export function screenShown(
  remote: readonly RemoteTrack[],
  peers: readonly RemotePeer[],
): ScreenShown | undefined {
  for (const { peerId, producerId, source, track } of [...remote].reverse()) {
    const peer = peers.find((p) => p.id === peerId);
    // A share a host paused shows nothing but its last frame: leave it out.
    if (source === 'screen' && peer && !peer.producers.get(producerId)?.paused) {
      return { peer, track };
    }
  }
  return undefined;
}
