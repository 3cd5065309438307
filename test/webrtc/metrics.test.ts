// What an admin's Prometheus sees of a signaling node whose SFU runs in the
// same process, read through /metrics with a text-format parser: a real
// meeting of two WebRTC peers sending audio and video shows as one room, two
// participants, four producers and four consumers on the worker, media
// flowing both ways, the joins' TURN credentials and the clients' reported
// join times; refused requests by their code; people in a lobby and how long
// they waited. METRICS_TOKEN is asked for, and every metric the shipped
// dashboard and alert rules read is served.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { useClients, useNodePeers, useTestServer } from '../harness/fixtures.js';
import {
  familyOf,
  metricNamesInInfra,
  scrape,
  startSendingPair,
  type Scrape,
} from '../harness/metrics.js';
import { waitFor } from '../harness/sfu.js';

const TOKEN = randomBytes(32).toString('base64url');
const ROOM = 'metrics-room';

describe('/metrics of a signaling node with its SFU in process', () => {
  const server = useTestServer({
    metricsToken: TOKEN,
    turnEnv: { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: randomBytes(32).toString('hex') },
  });
  const startPeer = useNodePeers(server);
  const connect = useClients(server);

  const read = async (): Promise<Scrape> => {
    const answer = await scrape(server.url, TOKEN);
    expect(answer.status).toBe(200);
    return answer.scrape!;
  };
  /** Scrapes until `ready` holds (the SFU's figures are read at most every few seconds). */
  const readUntil = async (ready: (m: Scrape) => boolean, what: string): Promise<Scrape> => {
    let last: Scrape | undefined;
    await waitFor(
      async () => {
        last = await read();
        return ready(last);
      },
      what,
      30_000,
    );
    return last!;
  };

  it('serves the metrics only to a scraper with METRICS_TOKEN', async () => {
    expect((await scrape(server.url)).status).toBe(401);
    expect((await scrape(server.url, 'x'.repeat(43))).status).toBe(401);
    const answer = await scrape(server.url, TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    // Node's own process metrics are in the same registry.
    expect(answer.scrape!.value('process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('shows a meeting of two peers sending audio and video', async () => {
    const [alice, bob] = await startSendingPair((name) => startPeer(ROOM, name));
    // Each client reports its join once; a second report of the same join is not counted.
    await alice.client.request('reportJoinTiming', { joinToMediaMs: 1800 });
    await alice.client.request('reportJoinTiming', { joinToMediaMs: 1800 });
    await bob.client.request('reportJoinTiming', { joinToMediaMs: 700 });

    const m = await readUntil(
      (s) =>
        s.value('veche_sfu_consumers') === 4 &&
        s.value('veche_sfu_bitrate_bits_per_second', { direction: 'in' }) > 0 &&
        s.value('veche_sfu_bitrate_bits_per_second', { direction: 'out' }) > 0,
      'the SFU reports both meetings streams flowing',
    );
    // Signaling's view: one room, two participants.
    expect(m.value('veche_signaling_rooms')).toBe(1);
    expect(m.value('veche_signaling_peers')).toBe(2);
    expect(m.value('veche_signaling_sockets')).toBeGreaterThanOrEqual(2);
    // The SFU's, per worker: one router, a send and a receive transport each,
    // two tracks each in, the other's two tracks each out.
    const worker = { worker: '0' };
    expect(m.value('veche_sfu_workers')).toBe(1);
    expect(m.value('veche_sfu_routers', worker)).toBe(1);
    expect(m.value('veche_sfu_transports', worker)).toBe(4);
    expect(m.value('veche_sfu_producers', worker)).toBe(4);
    expect(m.value('veche_sfu_consumers', worker)).toBe(4);
    expect(m.value('veche_sfu_pipe_transports', worker)).toBe(0);
    expect(m.value('veche_sfu_node_state', { state: 'serving' })).toBe(1);
    expect(m.value('veche_sfu_node_state', { state: 'draining' })).toBe(0);
    expect(m.value('veche_sfu_worker_cpu_seconds_total', worker)).toBeGreaterThan(0);
    const loss = m.families.get('veche_sfu_packet_loss_ratio')?.metrics ?? [];
    for (const sample of loss) expect(Number(sample.value)).toBeLessThanOrEqual(1);
    // Joins, their TURN credentials (join reply and two transports each) and SFU calls.
    expect(m.value('veche_signaling_requests_total', { type: 'join' })).toBe(2);
    expect(m.value('veche_signaling_turn_configured')).toBe(1);
    expect(m.value('veche_signaling_turn_credentials_issued_total')).toBeGreaterThanOrEqual(6);
    expect(
      m.count('veche_signaling_sfu_call_duration_seconds', { method: 'produce', outcome: 'ok' }),
    ).toBe(4);
    expect(m.count('veche_signaling_join_media_seconds')).toBe(2);
    expect(m.sum('veche_signaling_join_media_seconds')).toBeCloseTo(2.5, 5);
    const joins = m.families.get('veche_signaling_join_media_seconds')?.metrics[0];
    expect(joins?.buckets?.['1']).toBe('1');
    expect(m.value('veche_dependency_up', { check: 'sfu' })).toBe(1);
  });

  it('counts refused requests by their error code', async () => {
    const before = await read();
    const client = await connect();
    expect(await client.send('createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
    expect(await client.raw('noSuchThing', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_MESSAGE' },
    });
    const after = await read();
    const refused = (m: Scrape, type: string, code: string) =>
      m.value('veche_signaling_request_errors_total', { type, code });
    expect(refused(after, 'createTransport', 'NOT_JOINED')).toBe(
      refused(before, 'createTransport', 'NOT_JOINED') + 1,
    );
    // A made-up type is counted under one label, not under its own name.
    expect(refused(after, 'unknown', 'UNKNOWN_MESSAGE')).toBe(
      refused(before, 'unknown', 'UNKNOWN_MESSAGE') + 1,
    );
    expect(after.families.get('veche_signaling_request_errors_total')?.metrics).not.toContainEqual(
      expect.objectContaining({ labels: expect.objectContaining({ type: 'noSuchThing' }) }),
    );
  });

  it('shows who waits in a lobby, and how long they waited once admitted', async () => {
    const host = await connect();
    await host.join('lobby-metrics', 'Host');
    await host.request('setLobby', { enabled: true });
    const guest = await connect();
    const waiting = await guest.request('join', {
      room: 'lobby-metrics',
      displayName: 'Guest',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(waiting.status).toBe('lobby');
    expect((await read()).value('veche_signaling_lobby_waiting')).toBe(1);
    await host.request('admit', { peerId: waiting.peerId });
    expect(await guest.next('lobbyDecision')).toEqual({ admitted: true });
    // Admitted, the guest's client asks again and gets in.
    await guest.join('lobby-metrics', 'Guest');
    const after = await readUntil(
      (s) => s.value('veche_signaling_lobby_waiting') === 0,
      'nobody waits any more',
    );
    expect(after.count('veche_signaling_lobby_wait_seconds', { outcome: 'ended' })).toBe(1);
  });

  it('serves every metric the shipped dashboard and alert rules read, SFU ones included', async () => {
    const m = await read();
    // `up` is made by Prometheus for every target, not served by one.
    const missing = metricNamesInInfra()
      .filter(({ name }) => name !== 'up' && !m.families.has(familyOf(name, m.families)))
      .map(({ name, file }) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });
});
