// The SFU's speaker observers through signaling: of two peers sending Opus,
// the one whose packets say it talks (ssrc-audio-level) takes over as the
// active speaker for everyone and is listed as speaking; the silent one is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('active speaker', () => {
  let server: TestServer;
  const peers: NodePeer[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
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
  });
});
