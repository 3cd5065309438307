// A dropped connection keeps its place for the grace period: the others see
// the peer as reconnecting; it comes back with its resume token and keeps its
// id, role and raised hand; after the grace period it is gone for everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import {
  peerJoined,
  peersFromJoin,
  peerUpdated,
  visiblePeers,
} from '../../web/src/meeting/peers.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

/** Cuts the connection the way a network change does (no goodbye). */
const dropNetwork = (client: TestClient) => client.socket.io.engine.close();

describe('reconnect', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (auth?: Record<string, string>) => {
    const c = await connectClient(server.url, auth ? { auth } : {});
    clients.push(c);
    return c;
  };
  const resume = (c: TestClient, room: string, resumeToken: string) =>
    c.request('join', {
      room,
      displayName: 'ignored',
      protocolVersion: PROTOCOL_VERSION,
      resumeToken,
    });

  beforeAll(async () => {
    server = await startTestServer({ reconnectGraceMs: 1500 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('within the grace period: same peer, role and hand; nobody saw a departure', async () => {
    const host = await connect();
    await host.join('again', 'Host');
    const token = await server.staffToken({ sub: 'olga', name: 'Ольга' });
    const olga = await connect({ token });
    const first = await olga.join('again', 'x');
    await host.request('setRole', { peerId: first.peerId, role: 'cohost' });
    await olga.request('raiseHand', {});
    await olga.request('createTransport', { direction: 'recv' });

    dropNetwork(olga);
    await waitFor(
      async () => (await server.sfu.sfu.call('inspectRoom', { roomId: 'again' })).transports === 0,
      'dropped media released',
    );
    const back = await connect({ token });
    const resumed = await resume(back, 'again', first.resumeToken);
    expect(resumed).toMatchObject({
      status: 'joined',
      resumed: true,
      peerId: first.peerId,
      role: 'cohost',
      hands: [first.peerId],
    });
    expect((await host.next('peerUpdated', (p) => p.peer.id === first.peerId)).peer.role).toBe(
      'cohost',
    );
    expect(host.received.some((r) => r.type === 'peerLeft')).toBe(false);
    // The resumed peer works as before.
    expect((await back.send('createTransport', { direction: 'recv' })).ok).toBe(true);
  });

  it('meanwhile the others see the dropped peer as reconnecting, until it resumes', async () => {
    const anna = await connect();
    const annaJoin = await anna.join('flagged', 'Anna');
    const token = await server.staffToken({ sub: 'boris', name: 'Борис' });
    const boris = await connect({ token });
    const first = await boris.join('flagged', 'x');
    expect(first.peers).toMatchObject([{ displayName: 'Anna', reconnecting: false }]);
    const joined = await anna.next('peerJoined');
    expect(joined.peer).toMatchObject({ id: first.peerId, reconnecting: false });
    // Anna's client state, fed with what she receives.
    let seen = peerJoined(peersFromJoin(annaJoin.peers), joined.peer);

    dropNetwork(boris);
    const down = await anna.next('peerUpdated', (p) => p.peer.id === first.peerId);
    expect(down.peer).toMatchObject({ displayName: 'Борис', reconnecting: true });
    seen = peerUpdated(seen, down.peer);
    expect(visiblePeers(seen)).toMatchObject([{ displayName: 'Борис', reconnecting: true }]);
    // Someone arriving during the grace period sees the same.
    const vera = await connect();
    const veraJoin = await vera.join('flagged', 'Vera');
    expect(veraJoin.peers.find((p) => p.id === first.peerId)?.reconnecting).toBe(true);
    expect(veraJoin.peers.find((p) => p.displayName === 'Anna')?.reconnecting).toBe(false);

    const back = await connect({ token });
    expect(await resume(back, 'flagged', first.resumeToken)).toMatchObject({ resumed: true });
    const up = await anna.next('peerUpdated', (p) => p.peer.id === first.peerId);
    expect(up.peer.reconnecting).toBe(false);
    seen = peerUpdated(seen, up.peer);
    expect(visiblePeers(seen)).toMatchObject([{ displayName: 'Борис', reconnecting: false }]);
    expect((await vera.next('peerUpdated')).peer).toMatchObject({
      id: first.peerId,
      reconnecting: false,
    });
    expect(anna.received.some((r) => r.type === 'peerLeft')).toBe(false);
  });

  it("someone else's resume token gets nothing of theirs", async () => {
    const host = await connect();
    const hostJoin = await host.join('stolen', 'Host');
    const thief = await connect({
      token: await server.staffToken({ sub: 'thief', name: 'Thief' }),
    });
    const reply = await resume(thief, 'stolen', hostJoin.resumeToken);
    expect(reply).toMatchObject({
      status: 'joined',
      resumed: false,
      role: 'participant',
      displayName: 'Thief',
    });
    expect(reply.peerId).not.toBe(hostJoin.peerId);
  });

  it('a connection the server still thinks alive is taken over', async () => {
    const host = await connect();
    await host.join('takeover', 'Host');
    const token = await server.staffToken({ sub: 'pavel', name: 'Павел' });
    const old = await connect({ token });
    const first = await old.join('takeover', 'x');
    const fresh = await connect({ token });
    expect(await resume(fresh, 'takeover', first.resumeToken)).toMatchObject({
      resumed: true,
      peerId: first.peerId,
    });
    await waitFor(() => !old.socket.connected, 'old connection closed by the server');
    expect(host.received.some((r) => r.type === 'peerLeft')).toBe(false);
  });

  it('back from a reload (no resume token), the same person takes over their dropped place', async () => {
    const token = await server.staffToken({ sub: 'nina', name: 'Нина' });
    const nina = await connect({ token });
    const first = await nina.join('reload', 'x');
    expect(first.role).toBe('host');
    const guest = await connect();
    const guestJoin = await guest.join('reload', 'Гость');
    await nina.request('raiseHand', {});
    await guest.next('handsChanged', (h) => h.hands.length === 1);

    dropNetwork(nina);
    await guest.next('peerUpdated', (p) => p.peer.id === first.peerId && p.peer.reconnecting);
    const again = await connect({ token });
    const second = await again.join('reload', 'x');
    // Host and hand come back with her; she is not listed twice.
    expect(second).toMatchObject({ status: 'joined', resumed: false, role: 'host' });
    expect(second.peerId).not.toBe(first.peerId);
    expect(second.hands).toEqual([second.peerId]);
    expect(second.peers.map((p) => p.id)).toEqual([guestJoin.peerId]);
    expect(await guest.next('peerLeft')).toEqual({ peerId: first.peerId });
    expect((await guest.next('peerJoined')).peer).toMatchObject({
      id: second.peerId,
      displayName: 'Нина',
      role: 'host',
    });
    expect((await guest.next('handsChanged', (h) => h.hands[0] === second.peerId)).hands).toEqual([
      second.peerId,
    ]);

    // The grace period of the old connection ends: nothing changes hands.
    // Absence is the point, so the wait is for a witness who drops after her:
    // when their place is given up, hers has run out too.
    const witness = await connect();
    const witnessJoin = await witness.join('reload', 'Свидетель');
    await guest.next('peerJoined', (p) => p.peer.id === witnessJoin.peerId);
    dropNetwork(witness);
    await guest.next('peerUpdated', (p) => p.peer.id === witnessJoin.peerId);
    await guest.next('peerLeft', (p) => p.peerId === witnessJoin.peerId);
    // (Those seen so far were taken off `received` by next().)
    expect(guest.received.some((r) => r.type === 'peerLeft' || r.type === 'peerUpdated')).toBe(
      false,
    );
    // Host-only, so she really is the host again.
    expect(await again.send('setPasscode', { passcode: null })).toMatchObject({ ok: true });
  });

  it('an anonymous visitor back from a reload is a new person: the dropped place waits out its grace', async () => {
    const host = await connect();
    await host.join('anon-reload', 'Host');
    const visitor = await connect();
    const first = await visitor.join('anon-reload', 'Гость');
    dropNetwork(visitor);
    await host.next('peerUpdated', (p) => p.peer.id === first.peerId && p.peer.reconnecting);
    const again = await connect();
    const second = await again.join('anon-reload', 'Гость');
    expect(second.peers.map((p) => p.id)).toContain(first.peerId);
    expect(await host.next('peerLeft')).toEqual({ peerId: first.peerId });
  });

  it('after the grace period the peer is gone and a resume starts afresh', async () => {
    const host = await connect();
    await host.join('late', 'Host');
    const token = await server.staffToken({ sub: 'rita', name: 'Рита' });
    const rita = await connect({ token });
    const first = await rita.join('late', 'x');
    dropNetwork(rita);
    expect(await host.next('peerLeft')).toEqual({ peerId: first.peerId });
    const back = await connect({ token });
    const reply = await resume(back, 'late', first.resumeToken);
    expect(reply).toMatchObject({ status: 'joined', resumed: false });
    expect(reply.peerId).not.toBe(first.peerId);
  });
});
