// A signaling node holds its SFU rooms and peers under a lease it renews: a
// participant whose connection dropped keeps its media for as long as the
// node lives (here several leases long), and what the node held goes once
// its member leaves for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuApi } from '../../sfu/api/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';

const LEASE_MS = 1500;

describe('SFU leases of a signaling node', () => {
  let sfu: TestSfu;
  let server: TestServer;
  const renewals: number[] = [];
  const clients: TestClient[] = [];
  /** While set, renewals do not reach the SFU (the node stalls, as under SIGSTOP). */
  let stalled = false;

  beforeAll(async () => {
    sfu = await startTestSfu(1);
    // The real SFU, with each renewal noted on the way.
    const real = sfu.sfu;
    const watched: SfuApi = {
      call: (method, request) => {
        if (method === 'renewLease') {
          renewals.push(Date.now());
          if (stalled) return Promise.reject(new Error('stalled'));
        }
        return real.call(method, request);
      },
      onEvent: (listener) => real.onEvent(listener),
      watchRoom: (room) => real.watchRoom(room),
      unwatchRoom: (room) => real.unwatchRoom(room),
      close: () => real.close(),
    };
    server = await startTestServer({
      sfu: { ...sfu, sfu: watched },
      reconnectGraceMs: 60_000,
      sfuLeaseMs: LEASE_MS,
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await sfu?.close();
  });

  it('keeps a dropped participant’s media for lease after lease while the node renews them', async () => {
    const anna = await connectClient(server.url);
    const boris = await connectClient(server.url);
    clients.push(anna, boris);
    await anna.join('leased', 'Anna');
    const borisJoin = await boris.join('leased', 'Boris');
    await boris.request('createTransport', { direction: 'recv' });
    boris.socket.io.engine.close();
    await anna.next('peerUpdated', (p) => p.peer.id === borisJoin.peerId && p.peer.reconnecting);

    // Three leases' worth of renewals (one every third of a lease).
    const from = renewals.length;
    await waitFor(() => renewals.length >= from + 9, 'nine renewals', 20_000);
    expect(sfu.events.filter((e) => e.type === 'peerClosed')).toEqual([]);
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'leased' })).toMatchObject({
      peers: 2,
      transports: 1,
    });

    // Leaving for good closes what the node held for the member.
    await anna.request('removeParticipant', { peerId: borisJoin.peerId });
    await waitFor(
      async () => (await sfu.sfu.call('inspectRoom', { roomId: 'leased' })).peers === 1,
      'the removed member’s SFU peer closed',
    );
    expect(sfu.events).toContainEqual(
      expect.objectContaining({
        type: 'peerClosed',
        peerId: borisJoin.peerId,
        reason: 'peerClosed',
      }),
    );
  });

  it('a node whose leases ran out while it stalled has each of its participants rebuild once', async () => {
    const anna = await connectClient(server.url);
    const boris = await connectClient(server.url);
    clients.push(anna, boris);
    await anna.join('stalled', 'Anna');
    const borisJoin = await boris.join('stalled', 'Boris');
    await boris.request('createTransport', { direction: 'recv' });
    stalled = true;
    await waitFor(
      () =>
        sfu.events.some(
          (e) =>
            e.type === 'peerClosed' && e.peerId === borisJoin.peerId && e.reason === 'leaseExpired',
        ),
      'the stalled node’s peers reaped',
      20_000,
    );
    stalled = false;
    const resets = await Promise.all([anna.next('mediaReset'), boris.next('mediaReset')]);
    expect(resets.map((r) => r.routerRtpCapabilities.codecs?.length ?? 0)).not.toContain(0);
    // Once each: later renewals (three, a lease's worth) bring no other reset.
    const from = renewals.length;
    await waitFor(() => renewals.length >= from + 3, 'renewals again', 20_000);
    await anna.request('sendChat', { text: 'after' });
    await boris.next('chatMessage', (m) => m.message.text === 'after');
    for (const c of [anna, boris]) {
      expect(c.received.filter((r) => r.type === 'mediaReset')).toHaveLength(0);
    }
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'stalled' })).toMatchObject({
      exists: true,
      peers: 2,
    });
    const transport = await boris.request('createTransport', { direction: 'recv' });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
  });
});
