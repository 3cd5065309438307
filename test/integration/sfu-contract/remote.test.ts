// The SfuApi contract against an SFU node process (`npm run sfu`) through the
// remote client, over loopback; then what only the network adds: probes,
// retries answered once, deadlines, hostile messages, restarts and TLS.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError, type SfuEvent } from '../../../sfu/api/index.js';
import { MAX_CALL_BYTES, MAX_FRAME_BYTES } from '../../../sfu/api/wire.js';
import { createRemoteSfu, type RemoteSfu } from '../../../signaling/sfu/remoteSfu.js';
import { testLogger, waitFor } from '../../harness/sfu.js';
import { prepareServerBuild, startSfuNode, type SfuNodeProcess } from '../../harness/sfuNode.js';
import { rawConnect } from './support/rawSocket.js';
import { PREVIOUS_SECRET, SECRET } from './support/secrets.js';
import { expectSfuError, opusParameters } from './support/contract.js';
import { sfuContractSuite } from './suite.js';
import { tlsEndpointSuite } from './tls.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: SFU node process tests: ${buildProblem}`);

describe.skipIf(buildProblem !== undefined)('SFU node process over the network', () => {
  let node: SfuNodeProcess;
  const clients: RemoteSfu[] = [];
  const connect = (secret = SECRET, deadlineMs?: number): RemoteSfu => {
    const client = createRemoteSfu({
      url: node.url,
      secret,
      log: testLogger(),
      ...(deadlineMs ? { deadlineMs } : {}),
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    node = await startSfuNode({ secret: SECRET, env: { SFU_SECRET_PREVIOUS: PREVIOUS_SECRET } });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await node?.kill('SIGKILL');
  });

  sfuContractSuite(
    async () => {
      const sfu = connect();
      await sfu.waitUntilConnected();
      return { sfu, close: () => sfu.close() };
    },
    {
      checksSchemas: true,
      // The other node of a room that spans two: a process of its own, its
      // pipes on a range of their own.
      startPeer: async () => {
        const other = await startSfuNode({
          secret: SECRET,
          env: { PIPE_PORT_RANGE: '45000-45999' },
        });
        const sfu = createRemoteSfu({ url: other.url, secret: SECRET, log: testLogger() });
        await sfu.waitUntilConnected();
        return {
          sfu,
          close: async () => {
            await sfu.close();
            await other.kill('SIGKILL');
          },
        };
      },
    },
  );

  describe('its internal endpoint', () => {
    let sfu: RemoteSfu;
    beforeAll(async () => {
      sfu = connect();
      await sfu.waitUntilConnected();
    });

    it('answers the health and readiness probes with its identity', async () => {
      const health = await fetch(`${node.url}/healthz`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { nodeId: string; incarnation: string };
      expect(body).toEqual({
        status: 'ok',
        nodeId: sfu.node()?.nodeId,
        incarnation: sfu.node()?.incarnation,
      });
      const ready = await fetch(`${node.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, workers: 1 });
    });

    it('answers a request target no URL can be made of as a bad request, not a failure', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(node.url);
        request({ host: url.hostname, port: url.port, path: '//[' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(400);
      expect(await node.log()).not.toContain('health check failed');
    });

    it('runs a repeated request once: a retried creation leaves exactly one object', async () => {
      const roomId = 'retry';
      const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
      const request = { roomId, peerId: 'p', direction: 'send' } as const;
      const id = randomUUID();
      // The first reply is "lost" (ignored); the retry gets the same answer.
      const first = await sfu.call('createWebRtcTransport', request, { requestId: id });
      const retried = await sfu.call('createWebRtcTransport', request, { requestId: id });
      expect(retried.id).toBe(first.id);
      // A retry sent while the first is still running joins it.
      const concurrentId = randomUUID();
      const [a, b] = await Promise.all([
        sfu.call(
          'createWebRtcTransport',
          { ...request, direction: 'recv' },
          { requestId: concurrentId },
        ),
        sfu.call(
          'createWebRtcTransport',
          { ...request, direction: 'recv' },
          { requestId: concurrentId },
        ),
      ]);
      expect(b.id).toBe(a.id);
      expect((await sfu.call('inspectRoom', { roomId })).transports).toBe(2);

      const produce = {
        roomId,
        peerId: 'p',
        transportId: first.id,
        kind: 'audio',
        rtpParameters: opusParameters(7),
      } as const;
      const produceId = randomUUID();
      const produced = await sfu.call('produce', produce, { requestId: produceId });
      expect((await sfu.call('produce', produce, { requestId: produceId })).producerId).toBe(
        produced.producerId,
      );
      const consume = {
        roomId,
        peerId: 'p',
        transportId: a.id,
        producerId: produced.producerId,
        rtpCapabilities,
      };
      const consumeId = randomUUID();
      const consumed = await sfu.call('consume', consume, { requestId: consumeId });
      expect((await sfu.call('consume', consume, { requestId: consumeId })).consumerId).toBe(
        consumed.consumerId,
      );
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({
        transports: 2,
        producers: 1,
        consumers: 1,
      });

      // Connecting twice is an error; the same connect retried is not.
      const connectRequest = {
        roomId,
        peerId: 'p',
        transportId: first.id,
        dtlsParameters: {
          role: 'client' as const,
          fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }],
        },
      };
      const connectId = randomUUID();
      await sfu.call('connectWebRtcTransport', connectRequest, { requestId: connectId });
      await sfu.call('connectWebRtcTransport', connectRequest, { requestId: connectId });
      await expect(sfu.call('connectWebRtcTransport', connectRequest)).rejects.toBeInstanceOf(
        SfuError,
      );
      // One id names one request.
      await expectSfuError(
        sfu.call('inspectRoom', { roomId }, { requestId: connectId }),
        'INVALID_REQUEST',
      );
      await sfu.call('closeRoom', { roomId });
    });

    it('fails a call to a stopped node with TIMEOUT, and runs its retry once when it continues', async () => {
      const roomId = 'deadline';
      await sfu.call('openRoom', { roomId });
      const request = { roomId, peerId: 'p', direction: 'send' } as const;
      const id = randomUUID();
      node.child.kill('SIGSTOP');
      try {
        const timedOut = sfu.call('createWebRtcTransport', request, {
          requestId: id,
          deadlineMs: 500,
        });
        await expect(timedOut).rejects.toSatisfy(
          (e) => e instanceof SfuError && e.code === 'TIMEOUT' && e.retryable,
        );
      } finally {
        node.child.kill('SIGCONT');
      }
      // The stopped node still got the first attempt: the retry must not make a second transport.
      const retried = await sfu.call('createWebRtcTransport', request, { requestId: id });
      expect(await sfu.call('inspectRoom', { roomId })).toMatchObject({ transports: 1 });
      expect(retried.id).toEqual(expect.any(String));
      await sfu.call('closeRoom', { roomId });
    });

    it('tries a timed-out call once more under the same id: one transport when the node continues', async () => {
      const lines: string[] = [];
      const client = createRemoteSfu({
        url: node.url,
        secret: SECRET,
        deadlineMs: 3000,
        log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
      });
      clients.push(client);
      await client.waitUntilConnected();
      const roomId = 'auto-retry';
      await client.call('openRoom', { roomId });
      node.child.kill('SIGSTOP');
      let created: ReturnType<typeof client.call<'createWebRtcTransport'>>;
      try {
        created = client.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' });
        await waitFor(
          () => lines.some((line) => line.includes('SFU call retried')),
          'the first try timed out and is tried again',
          20_000,
        );
      } finally {
        node.child.kill('SIGCONT');
      }
      expect((await created).id).toEqual(expect.any(String));
      expect(await client.call('inspectRoom', { roomId })).toMatchObject({ transports: 1 });
      await client.call('closeRoom', { roomId });
    });

    it('refuses a handshake without the right secret; takes the previous one while rotating', async () => {
      expect(await rawConnect(node.url, {})).toEqual({
        ok: false,
        refused: { code: 'UNAUTHENTICATED' },
      });
      expect(await rawConnect(node.url, { secret: 'x'.repeat(40) })).toEqual({
        ok: false,
        refused: { code: 'UNAUTHENTICATED' },
      });
      expect(await rawConnect(node.url, { secret: 42 })).toEqual({
        ok: false,
        refused: { code: 'UNAUTHENTICATED' },
      });
      const rotating = await rawConnect(node.url, { secret: PREVIOUS_SECRET });
      if (!rotating.ok) throw new Error('the previous secret was refused');
      rotating.socket.close();
      // The client says so, and it is not worth retrying.
      const wrong = connect('y'.repeat(40));
      await expect(wrong.call('getLoad', {})).rejects.toSatisfy(
        (e) => e instanceof SfuError && e.code === 'UNAUTHENTICATED' && !e.retryable,
      );
      expect(await node.log()).not.toContain('y'.repeat(40));
    });

    it('answers malformed, unknown and oversize calls with codes and keeps serving', async () => {
      const raw = await rawConnect(node.url, { secret: SECRET });
      if (!raw.ok) throw new Error('handshake refused');
      const socket = raw.socket;
      const codeOf = async (payload: unknown) => {
        const reply = (await socket.timeout(5000).emitWithAck('call', payload)) as {
          ok: boolean;
          error?: { code: string };
        };
        return reply.ok ? 'ok' : reply.error?.code;
      };
      expect(await codeOf('not an object')).toBe('INVALID_REQUEST');
      expect(await codeOf({ method: 'getLoad', request: {} })).toBe('INVALID_REQUEST');
      expect(await codeOf({ id: 'x'.repeat(500), method: 'getLoad', request: {} })).toBe(
        'INVALID_REQUEST',
      );
      expect(await codeOf({ id: randomUUID(), method: 'formatDisk', request: {} })).toBe(
        'INVALID_REQUEST',
      );
      expect(await codeOf({ id: randomUUID(), method: 'toString', request: {} })).toBe(
        'INVALID_REQUEST',
      );
      expect(await codeOf({ id: randomUUID(), method: 'openRoom', request: { roomId: 7 } })).toBe(
        'INVALID_REQUEST',
      );
      const big = 'x'.repeat(MAX_CALL_BYTES);
      expect(await codeOf({ id: randomUUID(), method: 'openRoom', request: { roomId: big } })).toBe(
        'PAYLOAD_TOO_LARGE',
      );
      // A call nobody waits for is dropped without harm.
      socket.emit('call', { id: randomUUID(), method: 'openRoom', request: { roomId: 'unheard' } });
      expect(await codeOf({ id: randomUUID(), method: 'getLoad', request: {} })).toBe('ok');
      expect((await sfu.call('inspectRoom', { roomId: 'unheard' })).exists).toBe(false);
      // Beyond the frame limit socket.io drops the connection itself.
      const dropped = new Promise((r) => socket.once('disconnect', r));
      socket.emit(
        'call',
        { id: randomUUID(), method: 'openRoom', request: { roomId: 'x'.repeat(MAX_FRAME_BYTES) } },
        () => undefined,
      );
      await dropped;
      // Everyone else is still served.
      expect((await sfu.call('getLoad', {})).workers).toHaveLength(1);
    });

    it('sends a room’s events only to the connections watching it', async () => {
      const raw = await rawConnect(node.url, { secret: SECRET });
      if (!raw.ok) throw new Error('handshake refused');
      const socket = raw.socket;
      const received: SfuEvent[] = [];
      socket.on('event', (event: SfuEvent) => received.push(event));
      const call = async (method: string, request: unknown) => {
        const reply = (await socket
          .timeout(5000)
          .emitWithAck('call', { id: randomUUID(), method, request })) as { ok: boolean };
        expect(reply).toMatchObject({ ok: true });
      };
      const subscribe = (on: boolean, roomId: string) =>
        socket.timeout(5000).emitWithAck(on ? 'subscribe' : 'unsubscribe', {
          scope: 'room',
          roomId,
        });
      await subscribe(true, 'watched');
      // The node's events and a room's, made by this connection's own calls:
      // whatever the node sends about them comes before each reply.
      for (const roomId of ['watched', 'unwatched']) {
        await call('openRoom', { roomId });
        await call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' });
        await call('closePeer', { roomId, peerId: 'p' });
      }
      expect(received.map((e) => e.type)).toEqual(['transportClosed', 'peerClosed']);
      expect(received.every((e) => 'roomId' in e && e.roomId === 'watched')).toBe(true);
      await subscribe(false, 'watched');
      await call('closeRoom', { roomId: 'watched' });
      await call('closeRoom', { roomId: 'unwatched' });
      expect(received).toHaveLength(2);
      socket.close();
    });

    it('its client receives the rooms it watches, and no more once it unwatches', async () => {
      const client = connect();
      await client.waitUntilConnected();
      const got: SfuEvent[] = [];
      client.onEvent((event) => got.push(event));
      client.watchRoom('mine');
      client.watchRoom('mine'); // one watch
      for (const roomId of ['mine', 'theirs']) {
        await client.call('openRoom', { roomId });
        await client.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' });
        await client.call('closePeer', { roomId, peerId: 'p' });
      }
      expect(got.map((e) => ('roomId' in e ? `${e.roomId}:${e.type}` : e.type))).toEqual([
        'mine:transportClosed',
        'mine:peerClosed',
      ]);
      client.unwatchRoom('mine');
      await client.call('closeRoom', { roomId: 'mine' });
      await client.call('closeRoom', { roomId: 'theirs' });
      expect(got).toHaveLength(2);
    });

    it('a room watched before the client is connected is watched from its first call', async () => {
      await sfu.call('openRoom', { roomId: 'early' });
      await sfu.call('createWebRtcTransport', { roomId: 'early', peerId: 'p', direction: 'send' });
      const fresh = connect();
      const got: SfuEvent[] = [];
      fresh.onEvent((event) => got.push(event));
      fresh.watchRoom('early');
      await fresh.call('closePeer', { roomId: 'early', peerId: 'p' });
      expect(got.map((e) => e.type)).toEqual(['transportClosed', 'peerClosed']);
      await fresh.call('closeRoom', { roomId: 'early' });
    });

    it('reconnects to a node that restarts, renews its subscriptions and says to resynchronise', async () => {
      const events: SfuEvent[] = [];
      sfu.onEvent((event) => events.push(event));
      const notices: { restarted: boolean }[] = [];
      sfu.onReconnect((notice) => notices.push(notice));
      const watched = 'after-restart';
      sfu.watchRoom(watched);
      const { epoch: before } = await sfu.call('openRoom', { roomId: watched });
      const beforeNode = sfu.node();
      expect(await node.kill('SIGTERM')).toBe(0); // a graceful stop
      await waitFor(() => !sfu.connected, 'client sees the node gone');
      await expect(sfu.call('getLoad', {})).rejects.toSatisfy(
        (e) => e instanceof SfuError && e.code === 'SFU_UNAVAILABLE' && e.retryable,
      );
      await node.restart();
      await waitFor(() => notices.length > 0, 'client reconnected and resubscribed');
      expect(notices).toEqual([expect.objectContaining({ restarted: true })]);
      expect(sfu.node()?.incarnation).not.toBe(beforeNode?.incarnation);
      expect(sfu.node()?.nodeId).toBe(beforeNode?.nodeId);
      // The resync: a restart lost the node's rooms; reopened, the room has a new epoch.
      await expectSfuError(sfu.call('listProducers', { roomId: watched }), 'ROOM_NOT_FOUND');
      const roomId = watched;
      const { epoch: after } = await sfu.call('openRoom', { roomId });
      expect(after).not.toBe(before);
      expect((await sfu.call('listProducers', { roomId })).epoch).toBe(after);
      // The watched room's events flow again without watching anew.
      const send = await sfu.call('createWebRtcTransport', {
        roomId,
        peerId: 'p',
        direction: 'send',
      });
      const { producerId } = await sfu.call('produce', {
        roomId,
        peerId: 'p',
        transportId: send.id,
        kind: 'audio',
        rtpParameters: opusParameters(9),
      });
      await sfu.call('closeProducer', { roomId, peerId: 'p', producerId });
      await waitFor(
        () =>
          events.some(
            (e) => e.type === 'producerClosed' && e.producerId === producerId && e.epoch === after,
          ),
        'event received after the restart',
      );
      await sfu.call('closeRoom', { roomId });
    });
  });

  tlsEndpointSuite();
});
