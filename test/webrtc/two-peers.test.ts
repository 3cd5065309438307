// Two real WebRTC peers (no browser) meet through the real signaling server
// and SFU: ICE, DTLS and SRTP in both directions. A broken worker DTLS build
// fails here.
import { describe, expect, it } from 'vitest';
import { useNodePeers, useTestServer } from '../harness/fixtures.js';
import type { NodePeer } from '../harness/nodePeer.js';
import { waitFor } from '../harness/sfu.js';

describe('two WebRTC peers in one room', () => {
  const server = useTestServer();
  // Not a ready-made pair: Alice sends before Bob joins, so Bob gets her
  // streams at his `ready` and she gets his as he produces.
  const startPeer = useNodePeers(server);
  const peers: NodePeer[] = [];

  const streamsFrom = (receiver: NodePeer, sender: NodePeer) =>
    [...receiver.received.values()].filter((s) => s.peerId === sender.peerId);

  it("each receives the other's audio and video RTP", async () => {
    const alice = await startPeer('webrtc-room', 'Alice');
    peers.push(alice);
    await alice.startSending();
    const bob = await startPeer('webrtc-room', 'Bob');
    peers.push(bob);
    await bob.startSending();

    await waitFor(
      () =>
        streamsFrom(bob, alice).length === 2 &&
        streamsFrom(bob, alice).every((s) => s.packets >= 20),
      "Bob receives Alice's audio and video",
      20_000,
    );
    await waitFor(
      () =>
        streamsFrom(alice, bob).length === 2 &&
        streamsFrom(alice, bob).every((s) => s.packets >= 20),
      "Alice receives Bob's audio and video",
      20_000,
    );
    for (const [receiver, sender] of [
      [bob, alice],
      [alice, bob],
    ] as const) {
      const kinds = streamsFrom(receiver, sender)
        .map((s) => s.kind)
        .sort();
      expect(kinds).toEqual(['audio', 'video']);
      for (const s of streamsFrom(receiver, sender))
        expect(s.bytes).toBeGreaterThan(s.packets * 10);
    }
  });

  it('leaving cleans up the SFU and tells the other peer', async () => {
    const [alice, bob] = peers as [NodePeer, NodePeer];
    const left = bob.client.next('peerLeft', (p) => p.peerId === alice.peerId);
    await alice.client.request('leave', {});
    await left;
    await waitFor(async () => {
      const room = await server.sfu.sfu.call('inspectRoom', { roomId: 'webrtc-room' });
      return room.peers === 1 && room.consumers === 0;
    }, 'only Bob is left in the SFU room, with no consumers of Alice');
    const closed = bob.client.received.filter((r) => r.type === 'consumerClosed');
    expect(closed).toHaveLength(2);
    const inspection = await server.sfu.sfu.call('inspectRoom', { roomId: 'webrtc-room' });
    // Bob keeps his own transports and producers; his consumers of Alice are gone.
    expect(inspection).toMatchObject({ peers: 1, transports: 2, producers: 2, consumers: 0 });
    await bob.client.request('leave', {});
    await waitFor(
      async () => !(await server.sfu.sfu.call('inspectRoom', { roomId: 'webrtc-room' })).exists,
      'room closed after the last peer left',
    );
    expect((await server.sfu.workers[0]!.dump()).routerIds).toEqual([]);
  });
});
