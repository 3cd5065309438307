// A receiver can pause one stream on the server (a participant it does not
// show): no RTP of it arrives while the sender keeps sending, the other
// stream keeps flowing, and resumeConsumer brings it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

describe('receiver-side consumer pause', () => {
  let server: TestServer;
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const p of peers) await p.close();
    await server.close();
  });

  it('pauseConsumer stops the RTP of that stream only; resumeConsumer restarts it', async () => {
    const ann = await startNodePeer(server.url, 'pause-consumer', 'Ann');
    peers.push(ann);
    const bob = await startNodePeer(server.url, 'pause-consumer', 'Bob');
    peers.push(bob);
    await bob.startSending();
    const fromBob = (kind: 'audio' | 'video') =>
      [...ann.received.entries()].find(([, s]) => s.peerId === bob.peerId && s.kind === kind);
    await waitFor(
      () => (fromBob('audio')?.[1].packets ?? 0) > 20 && (fromBob('video')?.[1].packets ?? 0) > 10,
      'Ann receives Bob',
      20_000,
    );
    const [videoConsumerId, video] = fromBob('video')!;
    const audio = fromBob('audio')![1];

    await ann.client.request('pauseConsumer', { consumerId: videoConsumerId });
    const state = await server.sfu.sfu.call('inspectConsumer', {
      roomId: 'pause-consumer',
      consumerId: videoConsumerId,
    });
    expect(state).toMatchObject({ paused: true, producerPaused: false });
    await new Promise((r) => setTimeout(r, 300));
    const videoAtPause = video.packets;
    const audioAtPause = audio.packets;
    await new Promise((r) => setTimeout(r, 1000));
    expect(video.packets).toBe(videoAtPause);
    expect(audio.packets).toBeGreaterThan(audioAtPause + 20);

    await ann.client.request('resumeConsumer', { consumerId: videoConsumerId });
    await waitFor(() => video.packets > videoAtPause + 10, 'video flows again', 10_000);
  });

  it('refuses to pause a consumer that belongs to someone else', async () => {
    const [ann, bob] = peers;
    const [bobsConsumer] = [...bob!.received.keys()];
    const refused = ann!.client.request('pauseConsumer', { consumerId: bobsConsumer ?? 'x' });
    await expect(refused).rejects.toThrow(/NOT_FOUND/);
  });
});
