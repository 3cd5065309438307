// SFU_NODES=registry as signaling runs it: a real SFU node process registers
// in a real Redis, a signaling node composed with the registry places a
// joining participant's room on it by load, records the room's home there,
// and after the node restarts (a new incarnation, its rooms gone) the
// participant is told to rebuild its media on the room reopened there.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Composition } from '../../signaling/compose.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testConfig, testOverrides } from '../harness/server.js';
import { waitFor } from '../harness/sfu.js';
import {
  newSfuSecret,
  prepareServerBuild,
  startSfuNode,
  type SfuNodeProcess,
} from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: rooms placed through the registry: ${buildProblem}`);

const BEAT_MS = 250;

describe.skipIf(buildProblem !== undefined)('rooms placed through the SFU registry', () => {
  const secret = newSfuSecret();
  let redis: TestRedis;
  let client: RedisClientType;
  let node: SfuNodeProcess;
  let signaling: Composition;
  let url: string;
  const peers: TestClient[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
    // The node registers itself, as `npm run sfu` with REDIS_URL does.
    node = await startSfuNode({
      secret,
      env: {
        SFU_NODE_ID: 'home-1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        SFU_HEARTBEAT_MS: String(BEAT_MS),
      },
    });
    const config = testConfig({
      redis: { url: redis.url, prefix: redis.prefix, heartbeatMs: 1000 },
    });
    signaling = await compose(
      {
        ...config,
        sfuNodes: { urls: [], secret, caFile: undefined, registry: { heartbeatMs: BEAT_MS } },
      },
      testOverrides(),
    );
    url = (await signaling.listen()).url.replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    for (const peer of peers) peer.close();
    await signaling?.close();
    await node?.kill('SIGKILL');
    await client?.quit();
    await redis?.stop();
  });

  it('places the room on the registered node, records its home, and rebuilds after a restart', async () => {
    const anna = await connectClient(url);
    peers.push(anna);
    const joined = await anna.join('via-registry', 'Anna');
    expect(joined.status).toBe('joined');
    expect(await client.get(`${redis.prefix}home:via-registry`)).toBe('home-1');

    await node.kill('SIGKILL');
    await node.restart();
    // Its rooms went with it: the participant rebuilds on the room reopened on the same home.
    await waitFor(
      () => anna.received.some((r) => r.type === 'mediaReset'),
      'the participant is told to rebuild its media',
      30_000,
    );
    expect(await client.get(`${redis.prefix}home:via-registry`)).toBe('home-1');
  });
});
