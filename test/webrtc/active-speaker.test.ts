// The SFU's speaker observers through signaling: of two peers sending Opus,
// the one whose packets say it talks (ssrc-audio-level) takes over as the
// active speaker for everyone and is listed as speaking; the silent one is not.
// A newcomer gets the active speaker in its join reply, until that peer leaves.
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../signaling/protocol/index.js';
import { createSpeakers } from '../../web/src/media/speakers.js';
import { createSignalingClient } from '../../web/src/signaling/client.js';
import { useClients, useNodePeers, useTestServer } from '../harness/fixtures.js';

describe('active speaker', () => {
  const server = useTestServer();
  const startPeer = useNodePeers(server);
  const connect = useClients(server);
  const closers: (() => void)[] = [];
  afterAll(() => {
    for (const close of closers) close();
  });

  it('names the peer that talks, by signaling peer id', async () => {
    const listener = await startPeer('speaker', 'Listener');
    const quiet = await startPeer('speaker', 'Quiet');
    const loud = await startPeer('speaker', 'Loud');
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
    const late = await connect();
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
    const after = await connect();
    expect((await after.join('speaker', 'After')).activeSpeaker).not.toBe(loud.peerId);
  });
});
