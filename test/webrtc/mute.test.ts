// A host's mute really stops the muted peer's audio in the SFU: no RTP of it
// reaches anyone, while their video keeps flowing; only they can unmute.
import { describe, expect, it } from 'vitest';
import { usePeerPair, useTestServer } from '../harness/fixtures.js';
import { quietWhileFlowing } from '../harness/nodePeer.js';
import { waitFor } from '../harness/sfu.js';

describe('server-side mute', () => {
  const server = useTestServer();
  const pair = usePeerPair(server, 'mute-rtp', ['Host', 'Bob']);

  it('stops the audio RTP of a muted peer and resumes it when they unmute', async () => {
    const { first: host, second: bob } = pair;
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
    const audio = () => fromBob('audio')!.packets;
    const video = () => fromBob('video')!.packets;
    await quietWhileFlowing(audio, video, 10, 'the audio stops while the video flows');
    const audioAtMute = audio();
    const videoAtMute = video();
    // Absence is the point (a muted mic sends nothing): watched over 25 more video packets.
    await waitFor(() => video() > videoAtMute + 25, 'the video keeps flowing');
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
