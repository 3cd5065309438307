// /metrics of a deployment with separate media: a signaling node and an SFU
// node, each its own process from the build, both given METRICS_TOKEN. The
// SFU node's figures of a real meeting (two WebRTC peers sending audio and
// video) are its workers' own; its /metrics wants METRICS_TOKEN, not the
// internal SFU_SECRET. Every metric the shipped dashboard and alert rules
// read is served by the process it belongs to, and both nodes say they are
// ready with the checks they ran.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  familyOf,
  metricNamesInInfra,
  scrape,
  startSendingPair,
  type Scrape,
} from '../harness/metrics.js';
import { startNode, type NodeProcess } from '../harness/node.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { waitFor } from '../harness/sfu.js';
import {
  newSfuSecret,
  prepareServerBuild,
  startSfuNode,
  type SfuNodeProcess,
} from '../harness/sfuNode.js';

const buildProblem = prepareServerBuild();
if (buildProblem) console.log(`skipped: metrics of separate nodes: ${buildProblem}`);

const TOKEN = randomBytes(32).toString('base64url');

describe.skipIf(buildProblem !== undefined)('/metrics of a signaling node and an SFU node', () => {
  const secret = newSfuSecret();
  let sfu: SfuNodeProcess;
  let signaling: NodeProcess;
  let dataDir: string;
  const peers: NodePeer[] = [];

  const read = async (url: string): Promise<Scrape> => {
    const answer = await scrape(url, TOKEN);
    expect(answer.status).toBe(200);
    return answer.scrape!;
  };

  beforeAll(async () => {
    sfu = await startSfuNode({ secret, env: { METRICS_TOKEN: TOKEN } });
    dataDir = await mkdtemp(join(tmpdir(), 'veche-metrics-'));
    signaling = await startNode(
      {
        SFU_NODES: sfu.url,
        SFU_SECRET: secret,
        DATA_DIR: dataDir,
        REDIS_URL: '',
        DATABASE_URL: '',
        METRICS_TOKEN: TOKEN,
      },
      { fromBuild: true },
    );
  }, 180_000);
  afterAll(async () => {
    for (const peer of peers) await peer.close();
    await signaling?.stop();
    await sfu?.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("wants METRICS_TOKEN on the SFU node's internal port, not the internal secret", async () => {
    expect((await scrape(sfu.url)).status).toBe(401);
    expect((await scrape(sfu.url, secret)).status).toBe(401);
    expect((await scrape(sfu.url, TOKEN)).status).toBe(200);
    expect((await scrape(signaling.url)).status).toBe(401);
    expect((await scrape(signaling.url, TOKEN)).status).toBe(200);
  });

  it("shows a meeting's media on the SFU node's worker and its participants on signaling", async () => {
    // Each peer is closed after the block, even if the other never got going.
    await startSendingPair(async (name) => {
      const peer = await startNodePeer(signaling.url, 'nodes-metrics', name);
      peers.push(peer);
      return peer;
    });

    let node: Scrape | undefined;
    await waitFor(
      async () => {
        node = await read(sfu.url);
        return (
          node.value('veche_sfu_consumers', { worker: '0' }) === 4 &&
          node.value('veche_sfu_bitrate_bits_per_second', { direction: 'out' }) > 0
        );
      },
      'the SFU node reports the meeting',
      30_000,
    );
    expect(node!.value('veche_sfu_workers')).toBe(1);
    expect(node!.value('veche_sfu_routers', { worker: '0' })).toBe(1);
    expect(node!.value('veche_sfu_producers', { worker: '0' })).toBe(4);
    expect(node!.value('veche_sfu_transports', { worker: '0' })).toBe(4);
    expect(node!.value('veche_sfu_node_state', { state: 'serving' })).toBe(1);
    expect(node!.value('veche_sfu_worker_cpu_seconds_total', { worker: '0' })).toBeGreaterThan(0);

    const control = await read(signaling.url);
    expect(control.value('veche_signaling_peers')).toBe(2);
    expect(control.value('veche_signaling_rooms')).toBe(1);
    // The media are not this node's: no SFU figures of its own.
    expect(control.families.has('veche_sfu_consumers')).toBe(false);
    // Its calls to the SFU node, timed: each peer produced two tracks.
    expect(
      control.count('veche_signaling_sfu_call_duration_seconds', {
        method: 'produce',
        outcome: 'ok',
      }),
    ).toBe(4);
  });

  it('serves every metric of the shipped dashboard and alert rules, each on its node', async () => {
    const outputs = { signaling: await read(signaling.url), sfu: await read(sfu.url) };
    const missing: string[] = [];
    for (const { name, file } of metricNamesInInfra()) {
      // `up` is made by Prometheus for every target, not served by one.
      if (name === 'up') continue;
      const where: (keyof typeof outputs)[] = name.startsWith('veche_sfu_')
        ? ['sfu']
        : name.startsWith('veche_signaling_')
          ? ['signaling']
          : ['signaling', 'sfu'];
      for (const node of where) {
        const m = outputs[node];
        if (!m.families.has(familyOf(name, m.families)))
          missing.push(`${name} on ${node} (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('both nodes are ready, with the checks they ran', async () => {
    const control = await fetch(`${signaling.url}/readyz`);
    expect(control.status).toBe(200);
    expect(await control.json()).toMatchObject({
      ready: true,
      status: 'ok',
      draining: false,
      checks: { database: { ok: true }, sfu: { ok: true } },
    });
    const node = await fetch(`${sfu.url}/readyz`);
    expect(node.status).toBe(200);
    expect(await node.json()).toMatchObject({ ready: true, status: 'ok', workers: 1 });
  });
});
