// The other participants as the client tracks them from notifications: who is
// shown, whose camera and microphone count as on, who is reconnecting, and
// that notifications arriving out of order do not show a stale state.
import { describe, expect, it } from 'vitest';
import {
  isLive,
  peerJoined,
  peerLeft,
  peersFromJoin,
  peerUpdated,
  producerClosed,
  producerConsumed,
  producerPausedChanged,
  visiblePeers,
  withoutProducers,
  type Peers,
} from '../../web/src/meeting/peers.js';
import { roster } from '../../web/src/participants/roster.js';
import type { PeerInfo } from '../../signaling/protocol/index.js';

const info = (id: string, producers: PeerInfo['producers'] = []): PeerInfo => ({
  id,
  displayName: `Name ${id}`,
  role: 'participant',
  guest: false,
  reconnecting: false,
  producers,
});
const names = (peers: Peers) => visiblePeers(peers).map((p) => p.displayName);

describe('participants from notifications', () => {
  it('shows those already in the room, then newcomers, in the order they arrived', () => {
    let peers = peersFromJoin([info('a'), info('b')]);
    peers = peerJoined(peers, info('c'));
    expect(names(peers)).toEqual(['Name a', 'Name b', 'Name c']);
    peers = peerLeft(peers, 'b');
    expect(names(peers)).toEqual(['Name a', 'Name c']);
    expect(peerLeft(peers, 'unknown')).toBe(peers);
  });

  it('a camera and microphone announced on join show as on; a paused one as off', () => {
    const peers = peersFromJoin([
      info('a', [
        { producerId: 'cam', kind: 'video', source: 'camera', paused: false },
        { producerId: 'mic', kind: 'audio', source: 'mic', paused: true },
      ]),
    ]);
    const a = peers.get('a')!;
    expect(isLive(a, 'camera')).toBe(true);
    expect(isLive(a, 'mic')).toBe(false);
    expect(isLive(a, 'screen')).toBe(false);
  });

  it('a host mute (producer paused) turns their microphone off, a resume back on', () => {
    let peers = peersFromJoin([info('a')]);
    peers = producerConsumed(peers, 'a', 'mic', 'mic', false);
    expect(isLive(peers.get('a')!, 'mic')).toBe(true);
    peers = producerPausedChanged(peers, 'a', 'mic', true);
    expect(isLive(peers.get('a')!, 'mic')).toBe(false);
    peers = producerPausedChanged(peers, 'a', 'mic', false);
    expect(isLive(peers.get('a')!, 'mic')).toBe(true);
  });

  it('a pause seen before the consumer arrived wins over the older snapshot', () => {
    let peers = peersFromJoin([info('a')]);
    peers = producerPausedChanged(peers, 'a', 'mic', true);
    peers = producerConsumed(peers, 'a', 'mic', 'mic', false);
    expect(isLive(peers.get('a')!, 'mic')).toBe(false);
  });

  it('media of someone not yet announced is kept but not shown until they join', () => {
    let peers = producerConsumed(new Map(), 'z', 'cam', 'camera', false);
    expect(names(peers)).toEqual([]);
    peers = peerJoined(peers, info('z'));
    expect(names(peers)).toEqual(['Name z']);
    expect(isLive(peers.get('z')!, 'camera')).toBe(true);
  });

  it('an unannounced peer whose last producer closes disappears entirely', () => {
    let peers = producerConsumed(new Map(), 'z', 'cam', 'camera', false);
    peers = producerClosed(peers, 'cam');
    expect(peers.has('z')).toBe(false);
  });

  it('a closed camera shows as off, the person stays', () => {
    let peers = peersFromJoin([
      info('a', [{ producerId: 'cam', kind: 'video', source: 'camera', paused: false }]),
    ]);
    peers = producerClosed(peers, 'cam');
    expect(names(peers)).toEqual(['Name a']);
    expect(isLive(peers.get('a')!, 'camera')).toBe(false);
  });

  it('a role change keeps what we know of their media', () => {
    let peers = peersFromJoin([info('a')]);
    peers = producerConsumed(peers, 'a', 'mic', 'mic', false);
    peers = peerUpdated(peers, { ...info('a'), role: 'cohost' });
    expect(peers.get('a')!.role).toBe('cohost');
    expect(isLive(peers.get('a')!, 'mic')).toBe(true);
  });

  it('a dropped connection shows as reconnecting, in place, until they are back', () => {
    let peers = peersFromJoin([info('a'), { ...info('b'), reconnecting: true }]);
    expect(peers.get('b')!.reconnecting).toBe(true);
    peers = producerConsumed(peers, 'a', 'mic', 'mic', false);
    peers = peerUpdated(peers, { ...info('a'), reconnecting: true });
    expect(names(peers)).toEqual(['Name a', 'Name b']);
    expect(peers.get('a')!.reconnecting).toBe(true);
    // Their media goes by consumerClosed, not by this notification.
    expect(isLive(peers.get('a')!, 'mic')).toBe(true);
    peers = peerUpdated(peers, info('a'));
    expect(peers.get('a')!.reconnecting).toBe(false);
  });

  it('the participants list says who is reconnecting', () => {
    const peers = peersFromJoin([info('a'), { ...info('b'), reconnecting: true }]);
    const self = { peerId: 'me', displayName: 'Me', role: 'host' as const };
    const entries = roster(self, { mic: 'on', camera: 'on' }, peers, []);
    expect(entries.map((e) => [e.peerId, e.reconnecting])).toEqual([
      ['me', false],
      ['a', false],
      ['b', true],
    ]);
  });

  it('after a media reset nobody has a live camera until they produce again', () => {
    let peers = peersFromJoin([
      info('a', [{ producerId: 'cam', kind: 'video', source: 'camera', paused: false }]),
    ]);
    peers = withoutProducers(peers);
    expect(isLive(peers.get('a')!, 'camera')).toBe(false);
    expect(names(peers)).toEqual(['Name a']);
  });
});
