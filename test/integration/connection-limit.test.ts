// The per-address connection limit as an operator sets it: an office behind
// one address (or a load generator on one host) gets the budget the
// environment gives, and other addresses keep theirs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../harness/client.js';
import { startNode, type NodeProcess } from '../harness/node.js';

describe('connections per address (CONNECTION_RATE_PER_ADDRESS, CONNECTION_BURST_PER_ADDRESS)', () => {
  let node: NodeProcess;
  let dataDir: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'veche-limit-'));
    node = await startNode({
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      // Three at once, then one every 1000 s: nothing refills during the test.
      CONNECTION_BURST_PER_ADDRESS: '3',
      CONNECTION_RATE_PER_ADDRESS: '0.001',
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const connect = async (localAddress: string) => {
    const client = await connectClient(node.url, { localAddress });
    clients.push(client);
    return client;
  };

  it('lets one address open its burst, refuses the next, and serves another address', async () => {
    for (let i = 0; i < 3; i += 1) await connect('127.0.0.21');
    await expect(connect('127.0.0.21')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const other = await connect('127.0.0.22');
    expect(other.socket.connected).toBe(true);
  });
});
