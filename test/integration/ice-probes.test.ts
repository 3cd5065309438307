// ICE probes beyond the contract: they live on routers of their own that a
// fenced node drops with everything else, they never hold up a drain, and
// among several SFU nodes a probe goes to the least loaded one and is found
// there again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import { createSfuRouter } from '../../signaling/cluster/sfuRouter.js';
import { startTestSfu, type InProcessTestSfu } from '../harness/sfu.js';

describe('ICE probes on real workers', () => {
  let a: InProcessTestSfu;
  let b: InProcessTestSfu;
  beforeAll(async () => {
    a = await startTestSfu();
    b = await startTestSfu();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('takes a router and a transport of its own, dropped with everything a fenced node carries', async () => {
    const probe = await a.sfu.call('openIceProbe', { ttlMs: 60_000 });
    expect(await a.contents()).toEqual({ routers: 1, transports: 1 });
    // A probe is no room: a node drained with migration has nothing to move.
    expect(await a.sfu.call('setNodeDraining', { draining: true, migrate: true })).toEqual({
      state: 'DRAINING',
      rooms: 0,
    });
    await a.sfu.call('setNodeDraining', { draining: false });
    expect(a.dropAll()).toBe(0);
    expect(await a.contents()).toEqual({ routers: 0, transports: 0 });
    await expect(
      a.sfu.call('connectIceProbe', {
        probeId: probe.probeId,
        dtlsParameters: probe.transport.dtlsParameters,
      }),
    ).rejects.toSatisfy((e) => e instanceof SfuError && e.code === 'PROBE_NOT_FOUND');
  });

  it('goes to the least loaded of several nodes, and is connected and closed where it is', async () => {
    // Node a carries a room with a consumer; node b carries nothing.
    const { rtpCapabilities } = await a.sfu.call('openRoom', { roomId: 'busy' });
    const send = await a.sfu.call('createWebRtcTransport', {
      roomId: 'busy',
      peerId: 'p',
      direction: 'send',
    });
    const recv = await a.sfu.call('createWebRtcTransport', {
      roomId: 'busy',
      peerId: 'p',
      direction: 'recv',
    });
    const { producerId } = await a.sfu.call('produce', {
      roomId: 'busy',
      peerId: 'p',
      transportId: send.id,
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 1111 }],
      },
    });
    await a.sfu.call('consume', {
      roomId: 'busy',
      peerId: 'p',
      transportId: recv.id,
      producerId,
      rtpCapabilities,
    });
    const router = createSfuRouter([a.sfu, b.sfu]);
    const before = await b.contents();
    const probe = await router.call('openIceProbe', { ttlMs: 60_000 });
    expect(await b.contents()).toEqual({
      routers: before.routers + 1,
      transports: before.transports + 1,
    });
    // Not connected by anyone yet: a wrong id is not found on any node.
    await expect(
      router.call('connectIceProbe', {
        probeId: 'nope',
        dtlsParameters: probe.transport.dtlsParameters,
      }),
    ).rejects.toSatisfy((e) => e instanceof SfuError && e.code === 'PROBE_NOT_FOUND');
    await router.call('closeIceProbe', { probeId: probe.probeId });
    expect(await b.contents()).toEqual(before);
    await a.sfu.call('closeRoom', { roomId: 'busy' });
  });
});
