// The admin CLI against a deployment as operators run it: two SFU node
// processes (a fixed SFU_NODES list) under two signaling processes sharing
// Redis and PostgreSQL. `nodes` lists both SFU nodes; `drain` puts the one
// named into DRAINING (and only it); `rooms`, asked of one signaling node,
// lists rooms meeting on the other with the SFU node their media is on;
// without a token every command is refused; a node that stopped is shown as
// not answering while the other is listed as before.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomHash } from '../../signaling/cluster/sfuRouter.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startDeployment, type Deployment } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTestRedis, type TestRedis } from '../harness/redis.js';
import { runAdmin } from '../harness/adminCli.js';

interface NodeJson {
  id: string;
  state: string;
  internalUrl: string | null;
  workers: unknown[];
}

describe('admin CLI against a cluster', () => {
  let redis: TestRedis;
  let postgres: PostgresServer;
  let cluster: Deployment;
  let env: Record<string, string>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    postgres = await startPostgres();
    cluster = await startDeployment(
      { redis, postgres },
      { signalingNodes: 2, sfuNodes: 2, env: { CLUSTER_HEARTBEAT_MS: '300' } },
    );
    const token = await new SignJWT({ name: 'Админ', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('root')
      .setAudience('veche')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(cluster.cluster.env['JWT_SECRET']));
    env = { VECHE_URL: cluster.signaling[0]!.url, VECHE_TOKEN: token };
  }, 300_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  const sfuIds = () => cluster.sfu.map((node) => new URL(node.url).host);

  it('is refused without a token', async () => {
    for (const args of [['nodes'], ['drain', sfuIds()[0]!], ['rooms']]) {
      const refused = await runAdmin(args, { VECHE_URL: env.VECHE_URL! });
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain('VECHE_TOKEN');
    }
  });

  it('lists both SFU nodes and drains only the one named', async () => {
    const listed = await runAdmin(['nodes', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const nodes = (JSON.parse(listed.stdout) as { nodes: NodeJson[] }).nodes;
    expect(nodes.map((n) => [n.id, n.state])).toEqual(sfuIds().map((id) => [id, 'SERVING']));
    expect(nodes.map((n) => n.internalUrl)).toEqual(cluster.sfu.map((n) => n.url));
    expect(nodes.every((n) => n.workers.length > 0)).toBe(true);

    const [first, second] = sfuIds() as [string, string];
    const drained = await runAdmin(['drain', second], env);
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout.split('\n')[0]).toBe(`${second}: DRAINING`);
    const table = (await runAdmin(['nodes'], env)).stdout;
    expect(table).toMatch(new RegExp(`^${first}\\s+SERVING`, 'm'));
    expect(table).toMatch(new RegExp(`^${second}\\s+DRAINING`, 'm'));

    expect((await runAdmin(['undrain', second], env)).code).toBe(0);
    expect((await runAdmin(['nodes'], env)).stdout).toMatch(
      new RegExp(`^${second}\\s+SERVING`, 'm'),
    );
  });

  it('lists rooms of the other signaling node with the SFU node of their media', async () => {
    // One room on each SFU node (rooms are placed by a hash of their name).
    const names: string[] = [];
    for (let i = 0; names.length < 2; i++) {
      const name = `hall-${i}`;
      if (roomHash(name) % 2 === names.length) names.push(name);
    }
    for (const name of names) {
      const c = await connectClient(cluster.signaling[1]!.url);
      clients.push(c);
      await c.join(name, `Участник ${name}`);
    }
    const listed = await runAdmin(['rooms', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const rooms = (
      JSON.parse(listed.stdout) as {
        rooms: { name: string; participants: { node: string | null }[] }[];
      }
    ).rooms;
    const expected = names.map((name, i) => [name, [sfuIds()[i]]]);
    expect(rooms.map((r) => [r.name, r.participants.map((p) => p.node)])).toEqual(
      expected.sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  });

  it('shows a stopped SFU node as UNREACHABLE and still lists the other', async () => {
    await cluster.sfu[1]!.kill('SIGKILL');
    const listed = await runAdmin(['nodes', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const nodes = (JSON.parse(listed.stdout) as { nodes: NodeJson[] }).nodes;
    expect(nodes.map((n) => [n.id, n.state])).toEqual([
      [sfuIds()[0], 'SERVING'],
      [sfuIds()[1], 'UNREACHABLE'],
    ]);
  });
});
