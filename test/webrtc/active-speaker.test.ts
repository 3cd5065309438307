// The SFU's speaker observers through signaling: of two peers sending Opus,
// the one whose packets say it talks (ssrc-audio-level) takes over as the
// active speaker for everyone and is listed as speaking; the silent one is not.
// A newcomer gets the active speaker in its join reply, until that peer leaves.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../signaling/protocol/index.js';
import { createSpeakers } from '../../web/src/media/speakers.js';
import { createSignalingClient } from '../../web/src/signaling/client.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('active speaker', () => {
  let server: TestServer;
  const peers: NodePeer[] = [];
  const clients: TestClient[] = [];
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const close of closers) close();
    for (const c of clients) c.close();
    for (const p of peers) await p.close();
    await server.close();
  });

  it('names the peer that talks, by signaling peer id', async () => {
    const listener = await startNodePeer(server.url, 'speaker', 'Listener');
    peers.push(listener);
    const quiet = await startNodePeer(server.url, 'speaker', 'Quiet');
    peers.push(quiet);
    const loud = await startNodePeer(server.url, 'speaker', 'Loud');
    peers.push(loud);
    // The silent one sends first and becomes the only candidate; the talker
    // must take over.
    await quiet.startSending({ voice: 'silence' });
    await listener.client.next('activeSpeaker', (n) => n.peerId === quiet.peerId);
    await loud.startSending({ voice: 'speech' });

    const active = await listener.client.next('activeSpeaker', (n) => n.peerId === loud.peerId);
    expect(active.peerId).toBe(loud.peerId);
    const speaking = await listener.client.next('speaking', (n) => n.peerIds.length > 0);
    expect(speaking.peerIds).toEqual([loud.peerId]);
    // The talker hears about themselves too (their own tile lights up).
    await loud.client.next('activeSpeaker', (n) => n.peerId === loud.peerId);

    // Someone arriving now learns it from the join reply, not at the next change…
    const late = await connectClient(server.url);
    clients.push(late);
    expect((await late.join('speaker', 'Late')).activeSpeaker).toBe(loud.peerId);
    // …and the web client's speaker store starts from it.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
    });
    const signaling = createSignalingClient(socket);
    const speakers = createSpeakers(signaling);
    closers.push(() => {
      speakers.close();
      signaling.close();
    });
    const mark = speakers.mark();
    const reply = await signaling.request('join', {
      room: 'speaker',
      displayName: 'Web',
      protocolVersion: PROTOCOL_VERSION,
    });
    speakers.seed(reply.status === 'joined' ? reply.activeSpeaker : undefined, mark);
    expect(speakers.store.get().active).toBe(loud.peerId);

    // Once the talker has left, nobody is told they still speak.
    await loud.client.request('leave', {});
    const after = await connectClient(server.url);
    clients.push(after);
    expect((await after.join('speaker', 'After')).activeSpeaker).not.toBe(loud.peerId);
  });
});
