// The media requests of the protocol against a real signaling server and SFU:
// capabilities are judged at `ready`, SFU refusals reach clients as fixed
// texts, each stream is delivered once, and replaced transports are let go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPayload } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';
import { opusParameters, vp8Parameters } from '../harness/rtp.js';

/** Capabilities of a client that decodes H264 and an audio codec nobody sends. */
const h264Only = {
  codecs: [
    {
      kind: 'video' as const,
      mimeType: 'video/H264',
      clockRate: 90000,
      preferredPayloadType: 102,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    },
    { kind: 'audio' as const, mimeType: 'audio/x-unknown', clockRate: 8000 },
  ],
  headerExtensions: [],
};

describe('media path', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  let ssrc = 1000;

  async function member(room: string, name: string) {
    const client = await connectClient(server.url);
    clients.push(client);
    const joined = await client.join(room, name);
    return { client, joined };
  }

  async function sender(room: string, name: string, sources: ('mic' | 'camera')[]) {
    const { client, joined } = await member(room, name);
    const send = await client.request('createTransport', { direction: 'send' });
    const producerIds: string[] = [];
    for (const source of sources) {
      const { producerId } = await client.request('produce', {
        transportId: send.id,
        source,
        ...(source === 'mic'
          ? { kind: 'audio' as const, rtpParameters: opusParameters(ssrc++) }
          : { kind: 'video' as const, rtpParameters: vp8Parameters(ssrc++) }),
      });
      producerIds.push(producerId);
    }
    return { client, joined, sendId: send.id, producerIds };
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses at ready a client that cannot decode the room’s codecs', async () => {
    const { client, joined } = await member('codecs', 'Nina');
    await client.request('createTransport', { direction: 'recv' });
    const refused = await client.send('ready', { rtpCapabilities: h264Only });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'this client cannot receive audio/opus and video/VP8',
      },
    });
    // The room's own capabilities are fine.
    expect(
      await client.send('ready', { rtpCapabilities: joined.routerRtpCapabilities }),
    ).toMatchObject({ ok: true });
  });

  it('answers an SFU refusal with its code and a fixed text, never the SFU’s own', async () => {
    const { client } = await member('refusals', 'Oleg');
    const send = await client.request('createTransport', { direction: 'send' });
    const reply = await client.send('produce', {
      transportId: send.id,
      source: 'camera',
      kind: 'video',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'video/X-NOPE', payloadType: 100, clockRate: 90000 }],
        encodings: [{ ssrc: 4242 }],
      },
    });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'MEDIA_ERROR', message: 'the media server refused these media parameters' },
    });
  });

  it('gives a receiver one consumer per producer when ready meets a new producer', async () => {
    const room = 'once-each';
    const owners = [
      await sender(room, 'Carol', ['mic', 'camera']),
      await sender(room, 'Dave', ['mic', 'camera']),
      await sender(room, 'Erin', ['mic', 'camera']),
    ];
    const alice = await sender(room, 'Alice', ['mic']);
    const bob = await member(room, 'Bob');
    await bob.client.request('createTransport', { direction: 'recv' });

    // Bob says he is ready while Alice starts her camera: ready works through
    // the producers one by one, and her camera's fan-out reaches Bob meanwhile.
    const [ready, camera] = await Promise.all([
      bob.client.send('ready', { rtpCapabilities: bob.joined.routerRtpCapabilities }),
      alice.client.request('produce', {
        transportId: alice.sendId,
        source: 'camera',
        kind: 'video',
        rtpParameters: vp8Parameters(ssrc++),
      }),
    ]);
    expect(ready).toMatchObject({ ok: true });

    const expected = [
      ...owners.flatMap((o) => o.producerIds),
      ...alice.producerIds,
      camera.producerId,
    ].sort();
    const offered = () =>
      bob.client.received
        .filter((r) => r.type === 'newConsumer')
        .map((r) => (r.payload as NotificationPayload<'newConsumer'>).producerId);
    await waitFor(
      () => expected.every((id) => offered().includes(id)),
      'a consumer for every producer',
    );
    expect(offered().sort()).toEqual(expected);
    const inspection = await server.sfu.sfu.call('inspectRoom', { roomId: room });
    expect(inspection.consumers).toBe(expected.length);
  });

  it('forgets closed transports, so replacing them never runs into the cap', async () => {
    const room = 'replacing';
    const { client, joined } = await member(room, 'Pavel');
    const transports = [];
    for (const direction of ['send', 'recv', 'send', 'recv'] as const) {
      transports.push(await client.request('createTransport', { direction }));
    }
    expect(await client.send('createTransport', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    // The client lets one go: its place under the cap is free again.
    expect(await client.send('closeTransport', { transportId: transports[0]!.id })).toEqual({
      ok: true,
      data: {},
    });
    expect(await client.send('closeTransport', { transportId: transports[0]!.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const fifth = await client.request('createTransport', { direction: 'send' });

    // Closed in the SFU without the client asking: forgotten too.
    await server.sfu.sfu.call('closeTransport', {
      roomId: room,
      peerId: joined.peerId,
      transportId: transports[1]!.id,
    });
    await client.request('createTransport', { direction: 'recv' });
    expect(await server.sfu.sfu.call('inspectRoom', { roomId: room })).toMatchObject({
      transports: 4,
    });
    expect(
      await client.send('connectTransport', {
        transportId: transports[1]!.id,
        dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(fifth.id).not.toBe(transports[0]!.id);
  });
});
