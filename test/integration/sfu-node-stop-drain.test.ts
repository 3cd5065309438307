// SIGTERM on an SFU node process: it drains with migration — its rooms close
// as `migrated`, which reaches the signaling nodes watching them, and the
// registry shows it DRAINING — then stops once it carries nothing, long
// before SFU_DRAIN_TIMEOUT_SECONDS. A room it took on during the drain keeps
// it running; a second SIGTERM stops it at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys, type NodeRecord, type SfuEvent } from '../../sfu/api/index.js';
import { DEFAULT_MIGRATION_PACE } from '../../sfu/index.js';
import { DRAIN_POLL_MS } from '../../sfu/node/stopDrain.js';
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { testLogger, waitFor } from '../harness/sfu.js';
import {
  newSfuSecret,
  prepareServerBuild,
  startSfuNode,
  type SfuNodeProcess,
} from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: stopping an SFU node: ${buildProblem}`);

// Each test starts an SFU node process.
const PROCESS_TEST_MS = 120_000;

describe.skipIf(buildProblem !== undefined)('an SFU node stopped with SIGTERM', () => {
  const secret = newSfuSecret();
  let redis: TestRedis;
  const nodes: SfuNodeProcess[] = [];
  const clients: RemoteSfu[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const node of nodes) await node.kill('SIGKILL');
    await redis?.stop();
  });

  async function start(nodeId: string) {
    const node = await startSfuNode({
      secret,
      env: {
        SFU_NODE_ID: nodeId,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        SFU_HEARTBEAT_MS: '200',
      },
    });
    nodes.push(node);
    const sfu = createRemoteSfu({ url: node.url, secret, log: testLogger() });
    clients.push(sfu);
    await sfu.waitUntilConnected();
    const events: SfuEvent[] = [];
    sfu.onEvent((event) => events.push(event));
    const migrated = (roomId: string) =>
      events.some((e) => e.type === 'roomClosed' && e.roomId === roomId && e.reason === 'migrated');
    const registry = await redis.client();
    const record = async (): Promise<NodeRecord | undefined> => {
      const raw = await registry.get(registryKeys(redis.prefix).node(nodeId));
      return raw === null ? undefined : (JSON.parse(raw) as NodeRecord);
    };
    return { node, sfu, events, migrated, record };
  }

  /** The node's log lines about its drain and the migration of its rooms. */
  async function drainLines(node: SfuNodeProcess) {
    return (await node.log())
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => /^(draining before|drain ended|migrat)/.test(String(line['msg'])));
  }

  it(
    'moves its rooms away, then stops once it carries none',
    async () => {
      const { node, sfu, migrated, record } = await start('drain-stop');
      const roomId = 'meeting';
      const lease = { owner: 'signaling-a', leaseMs: 60_000 };
      sfu.watchRoom(roomId);
      await sfu.call('openRoom', { roomId, ...lease });
      await sfu.call('attachPeer', { roomId, peerId: 'anna', ...lease });
      await sfu.call('createWebRtcTransport', { roomId, peerId: 'anna', direction: 'send' });
      expect(await sfu.call('renewLease', lease)).toEqual({ rooms: 1, peers: 1 });
      expect((await record())?.state).toBe('SERVING');

      // The default timeout is an hour: exiting within the test means it did not wait for it.
      const exited = node.kill('SIGTERM');
      await waitFor(() => migrated(roomId), 'the room closed as migrated reaches its watcher');
      expect(await exited).toBe(0);
      // Out of the registry on its way out.
      expect(await record()).toBeUndefined();
      const lines = await drainLines(node);
      expect(lines.map((l) => l['msg'])).toEqual([
        expect.stringContaining('draining before stopping'),
        expect.stringContaining('migrating'),
        expect.stringContaining('migration done'),
        'drain ended (empty), 0 room(s) left',
      ]);
      expect(lines[0]).toMatchObject({ rooms: 1, timeoutSeconds: 3600 });
    },
    PROCESS_TEST_MS,
  );

  it(
    'waits for a room it took on during the drain, until a second SIGTERM stops it at once',
    async () => {
      const { node, sfu, migrated, record } = await start('drain-interrupted');
      // More rooms than three batches: the drain takes a few pauses.
      const found = Array.from(
        { length: 3 * DEFAULT_MIGRATION_PACE.batchRooms + 1 },
        (_, i) => `found-${i}`,
      );
      for (const roomId of found) {
        sfu.watchRoom(roomId);
        await sfu.call('openRoom', { roomId });
      }
      node.child.kill('SIGTERM');
      await waitFor(() => migrated(found[0]!), 'the first batch closed as migrated');
      // Placed here in a race with the drain: the node keeps it.
      const late = 'late';
      sfu.watchRoom(late);
      await sfu.call('openRoom', { roomId: late });
      expect((await record())?.state).toBe('DRAINING');
      await waitFor(
        () => found.every(migrated),
        'every room it carried closed as migrated',
        30_000,
      );
      // A few looks at its rooms later it still runs, and serves the room it kept.
      await new Promise((resolve) => setTimeout(resolve, 4 * DRAIN_POLL_MS));
      expect(node.child.exitCode).toBeNull();
      expect(await sfu.call('inspectRoom', { roomId: late })).toMatchObject({ exists: true });
      expect(migrated(late)).toBe(false);

      expect(await node.kill('SIGTERM')).toBe(0);
      expect(await record()).toBeUndefined();
      expect((await drainLines(node)).at(-1)).toMatchObject({
        msg: 'drain ended (interrupted), 1 room(s) left',
        end: 'interrupted',
        rooms: 1,
      });
    },
    PROCESS_TEST_MS,
  );
});
