// A host's mute really stops the muted peer's audio in the SFU: no RTP of it
// reaches anyone, while their video keeps flowing; only they can unmute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

describe('server-side mute', () => {
  let server: TestServer;
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const p of peers) await p.close();
    await server.close();
  });

  it('stops the audio RTP of a muted peer and resumes it when they unmute', async () => {
    const host = await startNodePeer(server.url, 'mute-rtp', 'Host');
    peers.push(host);
    const bob = await startNodePeer(server.url, 'mute-rtp', 'Bob');
    peers.push(bob);
    await bob.startSending();
    const fromBob = (kind: 'audio' | 'video') =>
      [...host.received.values()].find((s) => s.peerId === bob.peerId && s.kind === kind);
    await waitFor(
      () => (fromBob('audio')?.packets ?? 0) > 20 && (fromBob('video')?.packets ?? 0) > 10,
      'host hears and sees Bob',
      20_000,
    );

    await host.client.request('muteParticipant', { peerId: bob.peerId });
    await bob.client.next('mutedByHost');
    // Packets already in flight may still land; then nothing more arrives.
    await new Promise((r) => setTimeout(r, 300));
    const audioAtMute = fromBob('audio')!.packets;
    const videoAtMute = fromBob('video')!.packets;
    await new Promise((r) => setTimeout(r, 1000));
    expect(fromBob('audio')!.packets).toBe(audioAtMute);
    expect(fromBob('video')!.packets).toBeGreaterThan(videoAtMute + 10);

    await bob.client.request('resumeProducer', { producerId: bob.producerIds.mic! });
    await waitFor(
      () => fromBob('audio')!.packets > audioAtMute + 10,
      'audio flows again after Bob unmutes',
      10_000,
    );
  });
});
