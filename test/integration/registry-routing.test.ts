// SFU_NODES=registry end to end below the sockets: a real SFU node process,
// its record in a real Redis registry, and signaling's registry router, which
// connects to the node when a room is placed there, sends the room's calls
// to it, and says so when the node's connection comes back after a restart.
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistrySfu, type RegistrySfu } from '../../signaling/cluster/registrySfu.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger, waitFor } from '../harness/sfu.js';
import {
  prepareBuild,
  SECRET,
  startSfuNode,
  type SfuNodeProcess,
} from './sfu-contract/support/sfuNode.js';

const buildProblem = prepareBuild();
if (buildProblem) console.log(`skipped: the registry router: ${buildProblem}`);

const OWNER = { owner: 'signal-1', leaseMs: 60_000 };
const BEAT_MS = 250;

describe.skipIf(buildProblem !== undefined)('rooms routed through the SFU registry', () => {
  let redis: TestRedis;
  let client: RedisClientType;
  let node: SfuNodeProcess;
  let registry: RegistrySfu;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await redis.client();
    // The node registers itself, as `npm run sfu` with REDIS_URL does.
    node = await startSfuNode({
      SFU_NODE_ID: 'sfu-1',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      SFU_HEARTBEAT_MS: String(BEAT_MS),
    });
    registry = await connectRegistrySfu({
      redisUrl: redis.url,
      prefix: redis.prefix,
      heartbeatMs: BEAT_MS,
      secret: SECRET,
      ca: undefined,
      log: testLogger(),
    });
  });
  afterAll(async () => {
    await registry?.close();
    await node?.stop();
    await client?.quit();
    await redis?.stop();
  });

  it('opens a room on the registered node, records its home, and hears when the node restarted', async () => {
    const { sfu } = registry;
    await waitFor(async () => (await registry.directory.snapshot()).length === 1, 'registered');
    await sfu.call('openRoom', { roomId: 'via-registry', ...OWNER });
    await sfu.call('attachPeer', { roomId: 'via-registry', peerId: 'p', ...OWNER });
    expect(sfu.homeOf('via-registry')).toBe('sfu-1');
    expect(await client.get(`${redis.prefix}home:via-registry`)).toBe('sfu-1');
    expect(await sfu.call('inspectRoom', { roomId: 'via-registry' })).toMatchObject({
      exists: true,
      peers: 1,
    });
    expect((await sfu.call('getLoad', {})).workers).toHaveLength(1);

    const first = (await registry.directory.snapshot())[0]?.incarnation;
    let reconnects = 0;
    sfu.onReconnect(() => (reconnects += 1));
    sfu.watchRoom('via-registry');
    await node.stop('SIGKILL');
    await node.restart();
    await waitFor(() => reconnects > 0, 'the reconnect notice', 30_000);
    await waitFor(
      async () =>
        (await registry.directory.snapshot()).some(
          (n) => n.nodeId === 'sfu-1' && n.incarnation !== first,
        ),
      'the restarted node registered',
      30_000,
    );
    // The restarted node lost the room: it is asked for again, on the same live home.
    expect(await sfu.call('inspectRoom', { roomId: 'via-registry' })).toMatchObject({
      exists: false,
    });
    await sfu.call('openRoom', { roomId: 'via-registry', ...OWNER });
    expect(await sfu.call('inspectRoom', { roomId: 'via-registry' })).toMatchObject({
      exists: true,
    });
  });
});
