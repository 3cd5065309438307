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
import { opusParameters, vp8Parameters } from '../harness/rtp.js';

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
  const resume = (c: TestClient, room: string, resumeToken: string, keepMedia?: boolean) =>
    c.request('join', {
      room,
      displayName: 'ignored',
      protocolVersion: PROTOCOL_VERSION,
      resumeToken,
      ...(keepMedia === undefined ? {} : { keepMedia }),
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
    await host.next('peerUpdated', (p) => p.peer.id === first.peerId && p.peer.reconnecting);
    // The dropped connection's media is kept for a resume.
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'again' })).toMatchObject({
      transports: 1,
    });
    const back = await connect({ token });
    const resumed = await resume(back, 'again', first.resumeToken);
    expect(resumed).toMatchObject({
      status: 'joined',
      resumed: true,
      // A client that does not say it kept its media starts afresh.
      media: 'fresh',
      peerId: first.peerId,
      role: 'cohost',
      hands: [first.peerId],
    });
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'again' })).toMatchObject({
      peers: 2,
      transports: 0,
    });
    expect((await host.next('peerUpdated', (p) => p.peer.id === first.peerId)).peer.role).toBe(
      'cohost',
    );
    expect(host.received.some((r) => r.type === 'peerLeft')).toBe(false);
    // The resumed peer works as before.
    expect((await back.send('createTransport', { direction: 'recv' })).ok).toBe(true);
  });

  it('a resume that kept its media carries on with the same transports, producers and consumers', async () => {
    const anna = await connect();
    const annaJoin = await anna.join('kept', 'Anna');
    const send = await anna.request('createTransport', { direction: 'send' });
    const mic = await anna.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusParameters(7001),
    });
    const token = await server.staffToken({ sub: 'kira', name: 'Кира' });
    const kira = await connect({ token });
    const first = await kira.join('kept', 'x');
    expect(first.peers[0]?.producers).toMatchObject([{ producerId: mic.producerId }]);
    const recv = await kira.request('createTransport', { direction: 'recv' });
    await kira.request('ready', { rtpCapabilities: first.routerRtpCapabilities });
    const consumer = await kira.next('newConsumer');
    expect(consumer).toMatchObject({ producerId: mic.producerId, peerId: annaJoin.peerId });
    await kira.request('resumeConsumer', { consumerId: consumer.consumerId });
    const before = await server.sfu.sfu.call('inspectRoom', { roomId: 'kept' });
    expect(before).toMatchObject({ peers: 2, transports: 2, producers: 1, consumers: 1 });

    dropNetwork(kira);
    await anna.next('peerUpdated', (p) => p.peer.id === first.peerId && p.peer.reconnecting);
    // Meanwhile Anna turns her camera on.
    const camera = await anna.request('produce', {
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8Parameters(7002),
    });
    const back = await connect({ token });
    expect(await resume(back, 'kept', first.resumeToken, true)).toMatchObject({
      resumed: true,
      media: 'kept',
      peerId: first.peerId,
    });
    // Nothing was closed or made again: the same objects, still flowing.
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'kept' })).toEqual({
      ...before,
      producers: 2,
    });
    expect(
      await server.sfu.sfu.call('inspectConsumer', {
        roomId: 'kept',
        consumerId: consumer.consumerId,
      }),
    ).toMatchObject({ paused: false, producerPaused: false });
    // The resumed connection owns them: it controls the old consumer and transport...
    expect(await back.send('pauseConsumer', { consumerId: consumer.consumerId })).toMatchObject({
      ok: true,
    });
    expect(await back.send('restartIce', { transportId: recv.id })).toMatchObject({ ok: true });
    // ...and `ready` again gives what opened meanwhile, and only that.
    await back.request('ready', { rtpCapabilities: first.routerRtpCapabilities });
    // (ready answers once its consumers are offered: they are all here by now.)
    expect(
      back.received.filter((r) => r.type === 'newConsumer').map((r) => r.payload),
    ).toMatchObject([{ producerId: camera.producerId }]);
    expect(anna.received.some((r) => r.type === 'consumerClosed')).toBe(false);
  });

  it('a resume of a client that lost its media closes the old media first', async () => {
    const anna = await connect();
    await anna.join('lost', 'Anna');
    const token = await server.staffToken({ sub: 'lev', name: 'Лев' });
    const lev = await connect({ token });
    const first = await lev.join('lost', 'x');
    const send = await lev.request('createTransport', { direction: 'send' });
    const mic = await lev.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusParameters(7101),
    });
    dropNetwork(lev);
    await anna.next('peerUpdated', (p) => p.peer.id === first.peerId && p.peer.reconnecting);
    const back = await connect({ token });
    const reply = await resume(back, 'lost', first.resumeToken, false);
    expect(reply).toMatchObject({
      resumed: true,
      media: 'fresh',
      peers: [{ displayName: 'Anna', producers: [] }],
    });
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'lost' })).toMatchObject({
      peers: 2,
      transports: 0,
      producers: 0,
    });
    // The mic it had is gone, so it may produce one again.
    const again = await back.request('createTransport', { direction: 'send' });
    const second = await back.request('produce', {
      transportId: again.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusParameters(7102),
    });
    expect(second.producerId).not.toBe(mic.producerId);
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
