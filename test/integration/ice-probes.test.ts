// ICE probes beyond the contract: they live on routers of their own that a
// fenced node drops with everything else, they never hold up a drain; among
// several SFU nodes a probe goes to the least loaded one (or the one an admin
// names) and any signaling node finds it there again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError } from '../../sfu/api/index.js';
import { fixedNodeSource } from '../../signaling/admin/nodeSource.js';
import { createTurnProbes } from '../../signaling/admin/turnProbes.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { createSfuRouter } from '../../signaling/cluster/sfuRouter.js';
import { createTurnIssuer } from '../../signaling/turn/credentials.js';
import { parseTurnUrl } from '../../signaling/turn/config.js';
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

  it('opens a probe on the node an admin names, and another signaling node connects and closes it there', async () => {
    const nodes = fixedNodeSource(
      [
        { url: 'http://sfu-a:7100', sfu: a.sfu },
        { url: 'http://sfu-b:7100', sfu: b.sfu },
      ],
      () => 0,
    );
    const turn = createTurnIssuer({
      urls: [parseTurnUrl('turn:turn.example:3478?transport=udp')],
      secret: 's'.repeat(32),
      ttlSeconds: 600,
    });
    const audit = createMemoryAuditSink();
    const here = createTurnProbes({ nodes, turn, audit });
    const elsewhere = createTurnProbes({ nodes, turn, audit: createMemoryAuditSink() });
    const admin = { subject: 'root', ip: '192.0.2.1' };

    expect(await here.open('sfu-c:7100', admin)).toBeUndefined();
    const before = await a.contents();
    const probe = await here.open('sfu-a:7100', admin);
    expect(probe).toMatchObject({ nodeId: 'sfu-a:7100', expiresInMs: 60_000 });
    expect(probe?.iceServers[0]?.urls).toEqual(['turn:turn.example:3478?transport=udp']);
    expect(await a.contents()).toEqual({
      routers: before.routers + 1,
      transports: before.transports + 1,
    });
    expect(audit.events.map((e) => [e.action, e.actor, e.target, e.ip])).toEqual([
      ['turn.probe', 'root', 'node:sfu-a:7100', '192.0.2.1'],
    ]);
    // A signaling node that did not open it finds it on its node.
    expect(await elsewhere.connect('nope', probe!.transport.dtlsParameters)).toBe(false);
    await elsewhere.close(probe!.probeId);
    expect(await a.contents()).toEqual(before);
    expect(await here.connect(probe!.probeId, probe!.transport.dtlsParameters)).toBe(false);
  });
});
