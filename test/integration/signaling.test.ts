// The signaling server over real socket.io connections, with a real SFU:
// the join/leave lifecycle and every kind of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';

describe('signaling server', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const client = async () => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };
  const roomExists = async (roomId: string) =>
    (await server.sfu.sfu.call('inspectRoom', { roomId })).exists;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('answers health checks', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      protocolVersion: PROTOCOL_VERSION,
      workers: 1,
    });
  });

  it("serves the routers' RTP capabilities before any join, exactly as a join reply has them", async () => {
    // The join screen loads its media device from these; the meeting reuses
    // that device only when the join reply's capabilities are identical.
    const res = await fetch(`${server.url}/media/capabilities`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const { rtpCapabilities } = (await res.json()) as { rtpCapabilities: unknown };
    const early = await client();
    const joined = await early.join('capabilities-room', 'Анна');
    expect(JSON.stringify(rtpCapabilities)).toBe(JSON.stringify(joined.routerRtpCapabilities));
    expect((await fetch(`${server.url}/media/capabilities`, { method: 'POST' })).status).toBe(405);
    early.close();
  });

  it('tells peers who joined and who left, and cleans up on disconnect', async () => {
    const anna = await client();
    const joinedA = await anna.join('Совет', 'Анна');
    expect(joinedA).toMatchObject({ room: 'Совет', peers: [], protocolVersion: PROTOCOL_VERSION });
    expect(joinedA.routerRtpCapabilities.codecs?.length).toBeGreaterThan(0);

    const boris = await client();
    const joinedB = await boris.join('Совет', 'Борис');
    expect(joinedA.role).toBe('host');
    expect(joinedB.role).toBe('participant');
    expect(joinedB.peers).toEqual([
      {
        id: joinedA.peerId,
        displayName: 'Анна',
        role: 'host',
        guest: false,
        reconnecting: false,
        producers: [],
      },
    ]);
    const seen = await anna.next('peerJoined');
    expect(seen.peer).toMatchObject({ id: joinedB.peerId, displayName: 'Борис' });

    await boris.request('createTransport', { direction: 'send' });
    // Every member is a peer in the SFU from its join on (its media held by this node).
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'Совет' })).toMatchObject({
      peers: 2,
      transports: 1,
    });

    // Boris closes his tab without leaving.
    boris.close();
    expect(await anna.next('peerLeft')).toEqual({ peerId: joinedB.peerId });
    await waitFor(
      async () => (await server.sfu.sfu.call('inspectRoom', { roomId: 'Совет' })).transports === 0,
      'transport gone',
    );

    await anna.request('leave', {});
    await waitFor(async () => !(await roomExists('Совет')), 'room closed after last peer');
    expect(await anna.send('createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
  });

  it('the join reply says how long the meeting has been running; an emptied room starts anew', async () => {
    const anna = await client();
    const first = await anna.join('timer-room', 'Анна');
    expect(first.meetingElapsedMs).toBeGreaterThanOrEqual(0);
    // What is measured is time, so some must pass (this waits for the clock,
    // not for the server): the meeting began before this moment.
    const annaIn = Date.now();
    await waitFor(() => Date.now() - annaIn >= 250, 'a quarter of a second passes');
    const boris = await client();
    const borisArrives = Date.now();
    const second = await boris.join('timer-room', 'Борис');
    // The same meeting, measured from its start: not from Boris's arrival.
    expect(second.meetingElapsedMs).toBeGreaterThanOrEqual(borisArrives - annaIn);

    await anna.request('leave', {});
    await boris.request('leave', {});
    await waitFor(async () => !(await roomExists('timer-room')), 'room closed');
    const vera = await client();
    const next = await vera.join('timer-room', 'Вера');
    expect(next.meetingElapsedMs).toBeLessThan(second.meetingElapsedMs!);
  });

  it('rejects room names outside the rule', async () => {
    const c = await client();
    for (const room of ['', 'x'.repeat(65), 'two words', '../admin', 'a/b', 'комната!']) {
      const reply = await c.send('join', {
        room,
        displayName: 'Eve',
        protocolVersion: PROTOCOL_VERSION,
      });
      expect(reply, room).toMatchObject({ ok: false, error: { code: 'INVALID_ROOM_NAME' } });
    }
    expect(
      (
        await c.send('join', {
          room: 'Комната_2-b',
          displayName: 'Eve',
          protocolVersion: PROTOCOL_VERSION,
        })
      ).ok,
    ).toBe(true);
    expect(
      await c.send('join', {
        room: 'other',
        displayName: 'Eve',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_JOINED' },
    });
    await c.request('leave', {});
  });

  it('answers malformed, unknown and oversized messages with stable codes', async () => {
    const c = await client();
    expect(await c.raw('dropAllRooms', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_MESSAGE' },
    });
    expect(await c.raw('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_MESSAGE' },
    });
    expect(await c.raw('join', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await c.raw('join')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await c.raw('join', { room: 5, displayName: [], protocolVersion: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await c.raw('join', {
        room: 'big',
        displayName: 'Big',
        protocolVersion: PROTOCOL_VERSION,
        pad: 'x'.repeat(70_000),
      }),
    ).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(
      await c.send('join', { room: 'r', displayName: 'Old', protocolVersion: '0.9' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PROTOCOL_VERSION_MISMATCH' },
    });
    // A message without an acknowledgement is ignored; the connection still works.
    c.socket.emit('join', { room: 'noack', displayName: 'X', protocolVersion: PROTOCOL_VERSION });
    // Requests of one connection are handled in order: once this reply is
    // back, the ack-less join has been seen (and ignored).
    expect(await c.raw('nothing', {})).toMatchObject({ ok: false });
    expect(await roomExists('noack')).toBe(false);
    expect(c.socket.connected).toBe(true);
  });

  it('refuses media requests before join and for objects the peer does not own', async () => {
    const mallory = await client();
    const produce = {
      transportId: 'x',
      kind: 'audio' as const,
      source: 'mic' as const,
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }] },
    };
    expect(await mallory.send('produce', produce)).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
    expect(await mallory.send('resumeConsumer', { consumerId: 'c' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });

    const victim = await client();
    await victim.join('secure', 'Victim');
    const victimTransport = await victim.request('createTransport', { direction: 'send' });
    await mallory.join('secure', 'Mallory');
    expect(
      await mallory.send('connectTransport', {
        transportId: victimTransport.id,
        dtlsParameters: {
          role: 'client',
          fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }],
        },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await mallory.send('produce', { ...produce, transportId: victimTransport.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await mallory.send('resumeConsumer', { consumerId: 'unknown' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await mallory.send('pauseProducer', { producerId: 'unknown' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await mallory.send('ready', { rtpCapabilities: {} })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // Mic must be audio: a video "mic" is refused before it reaches the SFU.
    const own = await mallory.request('createTransport', { direction: 'send' });
    expect(
      await mallory.send('produce', { ...produce, transportId: own.id, kind: 'video' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: 'secure' })).toMatchObject({
      producers: 0,
      transports: 2,
    });
    mallory.close();
    victim.close();
    await waitFor(async () => !(await roomExists('secure')), 'room closed when both disconnected');
  });

  it('rate-limits a flooding connection without disturbing others', async () => {
    const flood = await client();
    const replies = await Promise.all(Array.from({ length: 120 }, () => flood.raw('leave', {})));
    const limited = replies.filter(
      (r) => (r as { error?: { code: string } }).error?.code === 'RATE_LIMITED',
    );
    expect(limited.length).toBeGreaterThan(0);
    const calm = await client();
    expect((await calm.join('calm', 'Calm')).room).toBe('calm');
    await calm.request('leave', {});
  });

  it('refuses sockets from a foreign origin', async () => {
    await expect(
      connectClient(server.url, { headers: { origin: 'https://evil.example' } }),
    ).rejects.toThrow();
    const same = await connectClient(server.url, { headers: { origin: server.url } });
    clients.push(same);
    expect(same.socket.connected).toBe(true);
  });

  it('tells everyone in a room to rebuild media when its worker dies', async () => {
    const a = await client();
    const b = await client();
    await a.join('resilient', 'A');
    await b.join('resilient', 'B');
    await a.request('createTransport', { direction: 'send' });
    const deadPid = server.sfu.workers.at(-1)!.pid;
    process.kill(deadPid, 'SIGKILL');
    const [resetA, resetB] = await Promise.all([a.next('mediaReset'), b.next('mediaReset')]);
    expect(resetA.reason).toBe('workerDied');
    expect(resetB.routerRtpCapabilities.codecs?.length).toBeGreaterThan(0);
    // The room is open again on the replacement worker and media can be rebuilt.
    const transport = await a.request('createTransport', { direction: 'send' });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    expect(server.sfu.workers.at(-1)!.pid).not.toBe(deadPid);
    await a.request('leave', {});
    await b.request('leave', {});
  });

  it('leaves no router behind in the worker', async () => {
    for (const c of clients) c.close();
    await waitFor(
      async () => (await server.sfu.workers.at(-1)!.dump()).routerIds.length === 0,
      'all routers closed',
    );
  });
});
