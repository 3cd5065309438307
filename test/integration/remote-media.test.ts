// A signaling node with SFU_NODES: no workers of its own, its rooms on a
// separate SFU node process (started as `npm run sfu` starts it). When that
// node restarts, every peer of the room is told to rebuild its media once,
// and the room works again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Composition } from '../../signaling/compose.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { testConfig, testOverrides } from '../harness/server.js';
import {
  newSfuSecret,
  prepareServerBuild,
  startSfuNode,
  type SfuNodeProcess,
} from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: signaling with an SFU node: ${buildProblem}`);

describe.skipIf(buildProblem !== undefined)('signaling with a separate SFU node', () => {
  const secret = newSfuSecret();
  let node: SfuNodeProcess;
  let signaling: Composition;
  let url: string;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await connectClient(url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startSfuNode({ secret });
    signaling = await compose(
      { ...testConfig(), sfuNodes: { urls: [node.url], secret, caFile: undefined } },
      testOverrides(),
    );
    url = (await signaling.listen()).url.replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await signaling?.close();
    await node?.kill();
  });

  it('serves a meeting from the SFU node, and has each peer rebuild once after the node restarts', async () => {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { workers: number };
    expect(health.workers).toBe(1);

    const anna = await connect();
    const annaJoin = await anna.join('remote', 'Anna');
    const boris = await connect();
    const borisJoin = await boris.join('remote', 'Boris');
    await boris.request('createTransport', { direction: 'recv' });
    await boris.request('ready', { rtpCapabilities: borisJoin.routerRtpCapabilities });
    // A producer opened after Boris is ready reaches him through the SFU node's
    // event for the room this signaling node watches.
    const send = await anna.request('createTransport', { direction: 'send' });
    const mic = await anna.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 9001 }],
        rtcp: { cname: 'c9001' },
      },
    });
    expect(await boris.next('newConsumer')).toMatchObject({
      producerId: mic.producerId,
      peerId: annaJoin.peerId,
    });

    await node.kill('SIGKILL');
    await node.restart();
    const resets = await Promise.all([anna.next('mediaReset'), boris.next('mediaReset')]);
    expect(resets[0].routerRtpCapabilities.codecs?.length).toBeGreaterThan(0);
    // Once each: a chat sent afterwards arrives after anything sent before it.
    await anna.request('sendChat', { text: 'still here' });
    await boris.next('chatMessage', (m) => m.message.text === 'still here');
    for (const c of [anna, boris]) {
      expect(c.received.filter((r) => r.type === 'mediaReset')).toHaveLength(0);
    }
    // The room is open again on the restarted node.
    const transport = await anna.request('createTransport', { direction: 'send' });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
  });
});
