// The relay (TURN) check run in the admin's browser: for each TURN URL the
// server hands out, one at a time, a real relay-only WebRTC session to a
// fresh ICE probe on an SFU node — a mediasoup-client recv transport with
// only that URL as ICE server and `iceTransportPolicy: 'relay'`, consuming
// the probe's data channel. It counts what arrives for a few seconds and
// reads the round trip from the browser's own statistics, or says where the
// path broke: no relay candidate (the TURN server unreachable or refusing),
// ICE, DTLS, or no data. Every probe is deleted afterwards.
import { Device, type types } from 'mediasoup-client';
import type { AdminApi, TurnProbe } from './api.js';

export type RelayTransport = 'udp' | 'tcp' | 'tls';
/** Where a path broke. */
export type RelayFailure = 'noRelay' | 'iceFailed' | 'dtlsFailed' | 'noData' | 'error';

export interface RelayPathResult {
  readonly url: string;
  readonly transport: RelayTransport;
  readonly ok: boolean;
  readonly failure?: RelayFailure;
  /** What the browser reported (ICE candidate errors, an exception's text). */
  readonly detail?: string;
  /** Bytes and messages received while measuring. */
  readonly bytes: number;
  readonly messages: number;
  /** The selected candidate pair's current round trip, ms; null when unknown. */
  readonly rttMs: number | null;
}

export interface RelayCheckTiming {
  /** How long a path may take to deliver its first message. */
  connectMs: number;
  /** How long data is counted once it flows. */
  measureMs: number;
}

export const DEFAULT_TIMING: RelayCheckTiming = { connectMs: 20_000, measureMs: 3_000 };
const POLL_MS = 250;

/** turns: is TLS; turn:…?transport=tcp is TCP; any other turn: URL is UDP. */
export function transportOf(url: string): RelayTransport {
  if (url.startsWith('turns:')) return 'tls';
  return /[?&]transport=tcp\b/i.test(url) ? 'tcp' : 'udp';
}

/** Every TURN URL of the probe's ICE servers, each with its credentials. */
export function relayPaths(probe: TurnProbe): RTCIceServer[] {
  return probe.iceServers.flatMap(({ urls, username, credential }) =>
    urls.map((url) => ({ urls: [url], username, credential })),
  );
}

interface PathStats {
  /** A relay candidate was gathered. */
  relayGathered: boolean;
  iceState: string | undefined;
  dtlsState: string | undefined;
  /** The selected pair's local candidate type and round trip (ms). */
  selectedType: string | undefined;
  rttMs: number | null;
}

type StatsEntry = Record<string, unknown> & { type: string; id: string };

/** What the browser's statistics say of the transport's path. */
export async function pathStats(transport: types.Transport): Promise<PathStats> {
  const entries = [...(await transport.getStats()).values()] as StatsEntry[];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const ice = entries.find((e) => e.type === 'transport');
  const pairs = entries.filter((e) => e.type === 'candidate-pair');
  const selected =
    byId.get(String(ice?.['selectedCandidatePairId'])) ??
    pairs.find((p) => p['nominated'] === true && p['state'] === 'succeeded');
  const local = selected ? byId.get(String(selected['localCandidateId'])) : undefined;
  const rtt = selected?.['currentRoundTripTime'];
  const pairSucceeded = pairs.some((p) => p['state'] === 'succeeded');
  return {
    relayGathered: entries.some(
      (e) => e.type === 'local-candidate' && e['candidateType'] === 'relay',
    ),
    iceState:
      (ice?.['iceState'] as string | undefined) ?? (pairSucceeded ? 'connected' : undefined),
    dtlsState: ice?.['dtlsState'] as string | undefined,
    selectedType: local?.['candidateType'] as string | undefined,
    rttMs: typeof rtt === 'number' ? Math.round(rtt * 1000) : null,
  };
}

/** Why no data came, from what the statistics show. */
function failureOf(stats: PathStats): RelayFailure {
  if (!stats.relayGathered) return 'noRelay';
  if (stats.iceState !== 'connected' && stats.iceState !== 'completed') return 'iceFailed';
  if (stats.dtlsState !== 'connected') return 'dtlsFailed';
  return 'noData';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sizeOf = (data: unknown) =>
  typeof data === 'string'
    ? new TextEncoder().encode(data).length
    : data instanceof ArrayBuffer
      ? data.byteLength
      : data instanceof Blob
        ? data.size
        : 0;

/** What the transport reports while it connects. */
function watch(transport: types.Transport) {
  const seen = {
    state: 'new' as types.ConnectionState,
    gathering: 'new' as types.IceGatheringState,
    errors: new Set<string>(),
  };
  transport.on('icecandidateerror', (e) => seen.errors.add(`${e.errorCode} ${e.errorText}`.trim()));
  transport.on('connectionstatechange', (s) => (seen.state = s));
  transport.on('icegatheringstatechange', (s) => (seen.gathering = s));
  return seen;
}

/** Counts what the data consumer receives until `stop()`. */
function count(consumer: types.DataConsumer) {
  const counted = { bytes: 0, messages: 0, stopped: false, stop: () => (counted.stopped = true) };
  consumer.binaryType = 'arraybuffer';
  consumer.on('message', (data: unknown) => {
    if (counted.stopped) return;
    counted.bytes += sizeOf(data);
    counted.messages += 1;
  });
  return counted;
}

/** One relay-only session to a probe through one TURN URL. */
export async function checkPath(
  api: Pick<AdminApi, 'connectTurnProbe'>,
  probe: TurnProbe,
  server: RTCIceServer,
  timing: RelayCheckTiming = DEFAULT_TIMING,
): Promise<RelayPathResult> {
  const url = String(server.urls);
  const base = { url, transport: transportOf(url), bytes: 0, messages: 0, rttMs: null };
  let transport: types.Transport | undefined;
  try {
    const device = await Device.factory();
    await device.load({
      routerRtpCapabilities: probe.routerRtpCapabilities as types.RtpCapabilities,
    });
    transport = device.createRecvTransport({
      ...(probe.transport as unknown as types.TransportOptions),
      iceServers: [server],
      iceTransportPolicy: 'relay',
    });
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      api.connectTurnProbe(probe.probeId, dtlsParameters).then(callback, errback);
    });
    const seen = watch(transport);
    const counted = count(
      await transport.consumeData(probe.dataConsumer as unknown as types.DataConsumerOptions),
    );
    const deadline = Date.now() + timing.connectMs;
    while (counted.messages === 0 && seen.state !== 'failed' && Date.now() < deadline) {
      await sleep(POLL_MS);
      // Gathering over without a relay candidate: the TURN server gave none.
      if (seen.gathering === 'complete' && !(await pathStats(transport)).relayGathered) break;
    }
    if (counted.messages > 0) await sleep(timing.measureMs);
    counted.stop();
    const stats = await pathStats(transport);
    const { bytes, messages } = counted;
    if (messages > 0 && stats.selectedType === 'relay')
      return { ...base, ok: true, bytes, messages, rttMs: stats.rttMs };
    const detail = seen.errors.size > 0 ? { detail: [...seen.errors].join('; ') } : {};
    return { ...base, ok: false, failure: failureOf(stats), ...detail, bytes, messages };
  } catch (error) {
    return { ...base, ok: false, failure: 'error', detail: messageOf(error) };
  } finally {
    transport?.close();
  }
}

export interface RelayCheckRun {
  /** The node probed; undefined when no TURN server is configured. */
  nodeId: string | undefined;
  results: RelayPathResult[];
}

/**
 * Checks every TURN URL in turn, each on a fresh probe on the node the first
 * probe went to; `onResult` hears each path as it ends. No TURN URLs: the
 * first probe is closed and `nodeId` is undefined.
 */
export async function runRelayCheck(
  api: Pick<AdminApi, 'openTurnProbe' | 'connectTurnProbe' | 'closeTurnProbe'>,
  onResult: (result: RelayPathResult) => void = () => undefined,
  timing: RelayCheckTiming = DEFAULT_TIMING,
): Promise<RelayCheckRun> {
  const first = await api.openTurnProbe();
  const paths = relayPaths(first);
  const results: RelayPathResult[] = [];
  let probe: TurnProbe | undefined = first;
  try {
    if (paths.length === 0) return { nodeId: undefined, results };
    for (const path of paths) {
      probe ??= await api.openTurnProbe(first.nodeId);
      const result = await checkPath(api, probe, path, timing);
      await api.closeTurnProbe(probe.probeId);
      probe = undefined;
      results.push(result);
      onResult(result);
    }
    return { nodeId: first.nodeId, results };
  } finally {
    if (probe) await api.closeTurnProbe(probe.probeId);
  }
}
