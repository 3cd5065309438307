// The admin CLI with SFU_NODES=registry: two SFU node processes register in
// Redis, a signaling process finds them there. `nodes` lists both as they
// describe themselves (node id, incarnation, version, capacity); `drain`
// turns the one named DRAINING in its own registry record too.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys } from '../../sfu/api/registry.js';
import { startCluster, type Cluster, type NodeProcess } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from '../harness/sfu.js';
import { newSfuSecret, startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';
import { runAdmin } from '../harness/adminCli.js';

const HEARTBEAT_MS = '500';

interface NodeJson {
  id: string;
  state: string;
  incarnation: string | null;
  version: string | null;
  capacity: number | null;
  workers: unknown[];
}

describe('admin CLI with the SFU registry', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let cluster: Cluster | undefined;
  const sfu: SfuNodeProcess[] = [];
  let signaling: NodeProcess;
  let env: Record<string, string>;
  let prefix: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    prefix = `${redis.prefix}${randomUUID().slice(0, 8)}:`;
    const secret = newSfuSecret();
    for (const id of ['sfu-a', 'sfu-b']) {
      sfu.push(
        await startSfuNode({
          secret,
          env: {
            SFU_NODE_ID: id,
            REDIS_URL: redis.url,
            REDIS_PREFIX: prefix,
            SFU_HEARTBEAT_MS: HEARTBEAT_MS,
          },
        }),
      );
    }
    cluster = await startCluster(
      { redis, postgres },
      {
        REDIS_PREFIX: prefix,
        SFU_NODES: 'registry',
        SFU_SECRET: secret,
        SFU_HEARTBEAT_MS: HEARTBEAT_MS,
      },
      { fromBuild: true },
    );
    signaling = await cluster.start();
    const token = await new SignJWT({ name: 'Админ', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('root')
      .setAudience('veche')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(cluster.env['JWT_SECRET']));
    env = { VECHE_URL: signaling.url, VECHE_TOKEN: token };
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
    for (const node of sfu) await node.kill('SIGKILL');
    await redis?.stop();
    await postgres?.stop();
  });

  it('lists the registered nodes and drains the one named, in its record too', async () => {
    let nodes: NodeJson[] = [];
    await waitFor(async () => {
      const listed = await runAdmin(['nodes', '--json'], env);
      nodes = listed.code === 0 ? (JSON.parse(listed.stdout) as { nodes: NodeJson[] }).nodes : [];
      return nodes.length === 2;
    }, 'both nodes listed');
    expect(nodes.map((n) => [n.id, n.state])).toEqual([
      ['sfu-a', 'SERVING'],
      ['sfu-b', 'SERVING'],
    ]);
    for (const n of nodes) {
      expect(n.incarnation).toEqual(expect.any(String));
      expect(n.version).toEqual(expect.any(String));
      expect(n.capacity).toBe(n.workers.length * 500);
    }

    const drained = await runAdmin(['drain', 'sfu-b'], env);
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout.split('\n')[0]).toBe('sfu-b: DRAINING');
    const client = await redis.client();
    const record = async (id: string) =>
      JSON.parse((await client.get(registryKeys(prefix).node(id))) ?? '{}') as { state?: string };
    await waitFor(async () => (await record('sfu-b')).state === 'DRAINING', 'record DRAINING');
    expect((await record('sfu-a')).state).toBe('SERVING');
    expect((await runAdmin(['undrain', 'sfu-b'], env)).code).toBe(0);
    await waitFor(async () => (await record('sfu-b')).state === 'SERVING', 'record SERVING');
  });
});
