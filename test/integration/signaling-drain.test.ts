// A signaling node that is about to stop drains: it stays alive but says it
// is not ready (a balancer sends new connections elsewhere), refuses the
// connections that still reach it with SERVER_DRAINING, and asks its clients
// to reconnect elsewhere. Clients that go that way leave nothing behind but a
// place kept for their resume (their SFU media runs on). The drain is over
// when they are gone, at its deadline, or when the operator stops waiting.
// The web client's connection follows it: it drops, tries again while the
// address still leads to the draining node, and comes back through the same
// address to another node.
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import {
  createSignalingClient,
  type ConnectionEvent,
  type SignalingClient,
} from '../../web/src/signaling/client.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, waitFor, type TestSfu } from '../harness/sfu.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcpProxy.js';

/** Cuts the connection the way a network change does (no goodbye). */
const dropNetwork = (client: TestClient) => client.socket.io.engine.close();

async function probe(url: string, path: '/healthz' | '/readyz') {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('draining a signaling node', () => {
  let sfu: TestSfu;
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const start = async () => {
    const server = await startTestServer({ sfu });
    servers.push(server);
    return server;
  };
  const connect = async (server: TestServer) => {
    const client = await connectClient(server.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sfu = await startTestSfu();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(async () => {
    await sfu.close();
  });

  it('stays alive but not ready, refuses newcomers, and lets its clients go without ending their places', async () => {
    const server = await start();
    const anna = await connect(server);
    const annaJoin = await anna.join('drained', 'Anna');
    const boris = await connect(server);
    const borisJoin = await boris.join('drained', 'Boris');
    await anna.request('createTransport', { direction: 'recv' });
    expect(await probe(server.url, '/readyz')).toMatchObject({
      status: 200,
      body: { ready: true, status: 'ok', draining: false },
    });

    const drained = server.server.drain({ deadlineMs: 600_000 });
    expect(await anna.next('serverDraining')).toEqual({});
    expect(await boris.next('serverDraining')).toEqual({});

    expect(await probe(server.url, '/readyz')).toMatchObject({
      status: 503,
      body: { ready: false, status: 'draining', draining: true },
    });
    const health = await probe(server.url, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', draining: true, peers: 2 });
    const refused = await connectClient(server.url).then(
      (late) => {
        late.close();
        return undefined;
      },
      (error: Error & { code?: string }) => error,
    );
    expect(refused?.code).toBe('SERVER_DRAINING');
    expect(refused?.message).toMatch(/shutting down/);

    // Anna goes as a client told to move does: her connection breaks, no goodbye.
    dropNetwork(anna);
    const away = await boris.next('peerUpdated', (p) => p.peer.id === annaJoin.peerId);
    expect(away.peer).toMatchObject({ displayName: 'Anna', reconnecting: true });
    dropNetwork(boris);
    expect(await drained).toMatchObject({ end: 'empty', clients: 2, remaining: 0 });
    expect(boris.received.some((r) => r.type === 'peerLeft')).toBe(false);
    // Both keep their SFU peers (and Anna her transport) for a resume on another node.
    expect(await sfu.sfu.call('inspectRoom', { roomId: 'drained' })).toMatchObject({
      peers: 2,
      transports: 1,
    });
    expect(borisJoin.peerId).not.toBe(annaJoin.peerId);
  });

  it('stops waiting at the deadline, or at once when told to', async () => {
    const patient = await start();
    const stays = await connect(patient);
    await stays.join('stays', 'Stays');
    expect(await patient.server.drain({ deadlineMs: 200 })).toMatchObject({
      end: 'deadline',
      clients: 1,
      remaining: 1,
    });
    expect(stays.received.some((r) => r.type === 'serverDraining')).toBe(true);

    const impatient = await start();
    await (await connect(impatient)).join('told', 'Told');
    const stopWaiting = new AbortController();
    const drained = impatient.server.drain({ deadlineMs: 600_000, signal: stopWaiting.signal });
    stopWaiting.abort();
    expect(await drained).toMatchObject({ end: 'interrupted', clients: 1, remaining: 1 });

    // Nobody connected: over at once.
    const empty = await start();
    expect(await empty.server.drain({ deadlineMs: 600_000 })).toMatchObject({
      end: 'empty',
      clients: 0,
    });
  });

  describe('the web client', () => {
    let proxy: TcpProxy;
    let web: SignalingClient | undefined;
    beforeAll(async () => {
      proxy = await startTcpProxy(0);
    });
    afterEach(() => web?.close());
    afterAll(async () => {
      await proxy.close();
    });

    it('moves through the same address to another node, retrying while it still leads to the draining one', async () => {
      const [a, b] = [await start(), await start()];
      proxy.route(a.port);
      web = createSignalingClient(
        io(`http://127.0.0.1:${proxy.port}`, { transports: ['websocket'], forceNew: true }),
      );
      const join = { room: 'moving', displayName: 'Web', protocolVersion: PROTOCOL_VERSION };
      expect(await web.request('join', join)).toMatchObject({ status: 'joined' });
      const events: ConnectionEvent[] = [];
      web.onConnection((event) => events.push(event));
      const before = proxy.accepted;

      const drained = a.server.drain({ deadlineMs: 600_000 });
      // Its connection is gone: the node's drain is over.
      expect(await drained).toMatchObject({ end: 'empty', clients: 1 });
      // The balancer has not noticed yet: the next connection reaches the
      // draining node again, which refuses it.
      await waitFor(() => proxy.accepted > before, 'the client connects again', 20_000);
      proxy.route(b.port);
      await waitFor(() => web?.connected === true, 'the client is back, on node B', 20_000);
      expect(proxy.accepted).toBeGreaterThanOrEqual(before + 2);
      expect(events.map((e) => e.type)).toEqual(['disconnect', 'connect']);
      expect(events[0]).toMatchObject({ willReconnect: true });
      expect(await web.request('join', join)).toMatchObject({ status: 'joined' });
      expect((await probe(b.url, '/healthz')).body).toMatchObject({ peers: 1 });
    });
  });
});
