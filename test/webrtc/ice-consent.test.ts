// The SFU (ICE lite) stops a transport that goes 30 s without an ICE consent
// check (RFC 7675); a browser sends one every few seconds. A Node peer must
// too, or every Node peer's media stops, all at once, half a minute after it
// connected — which is what the fault and load runs longer than that saw.
import { describe, expect, it } from 'vitest';
import { useNodePeers, useTestServer } from '../harness/fixtures.js';
import { waitFor } from '../harness/sfu.js';

/** Past the SFU's consent timeout (mediasoup's default, 30 s). */
const PAST_CONSENT_TIMEOUT_MS = 36_000;

describe('ICE consent', () => {
  const server = useTestServer();
  const startPeer = useNodePeers(server);

  it('keeps media flowing past the SFU’s consent timeout', async () => {
    const sender = await startPeer('consent', 'Sender');
    const receiver = await startPeer('consent', 'Receiver');
    await sender.startSending();
    const packets = () =>
      [...receiver.received.values()]
        .filter((s) => s.peerId === sender.peerId && !s.closed)
        .reduce((sum, s) => sum + s.packets, 0);
    await waitFor(() => packets() > 0, 'the first packets', 30_000);
    await new Promise((resolve) => setTimeout(resolve, PAST_CONSENT_TIMEOUT_MS));
    const before = packets();
    // Still arriving: 100 more packets (about a second of audio and video).
    await waitFor(() => packets() >= before + 100, 'packets after the consent timeout', 20_000);
    expect(packets()).toBeGreaterThanOrEqual(before + 100);
  }, 120_000);
});
