// A receiver can pause one stream on the server (a participant it does not
// show): no RTP of it arrives while the sender keeps sending, the other
// stream keeps flowing, and resumeConsumer brings it back.
import { describe, expect, it } from 'vitest';
import { usePeerPair, useTestServer } from '../harness/fixtures.js';
import { quietWhileFlowing } from '../harness/nodePeer.js';
import { waitFor } from '../harness/sfu.js';

describe('receiver-side consumer pause', () => {
  const server = useTestServer();
  const pair = usePeerPair(server, 'pause-consumer', ['Ann', 'Bob']);

  it('pauseConsumer stops the RTP of that stream only; resumeConsumer restarts it', async () => {
    const { first: ann, second: bob } = pair;
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
    // Packets already in flight may still land; then the video stops.
    await quietWhileFlowing(
      () => video.packets,
      () => audio.packets,
      15,
      'the video stops while the audio flows',
    );
    const videoAtPause = video.packets;
    const audioAtPause = audio.packets;
    // Absence is the point (a paused consumer forwards nothing): watched over 50 more audio packets.
    await waitFor(() => audio.packets > audioAtPause + 50, 'the audio keeps flowing');
    expect(video.packets).toBe(videoAtPause);
    expect(audio.packets).toBeGreaterThan(audioAtPause + 20);

    await ann.client.request('resumeConsumer', { consumerId: videoConsumerId });
    await waitFor(() => video.packets > videoAtPause + 10, 'video flows again', 10_000);
  });

  it('refuses to pause a consumer that belongs to someone else', async () => {
    const { first: ann, second: bob } = pair;
    // Bob receives Ann: his consumer of her is real, and not Ann's to pause.
    await ann.startSending();
    await waitFor(() => bob.received.size > 0, 'Bob receives Ann', 20_000);
    const [bobsConsumer] = [...bob.received.keys()];
    const refused = ann.client.request('pauseConsumer', { consumerId: bobsConsumer! });
    await expect(refused).rejects.toThrow(/NOT_FOUND/);
  });
});
