// The TURN check: for every TURN URL clients are given, allocate a relay with
// fresh credentials, permit the SFU's media address, send an ICE check to it
// through the relay and time the answer. Each path ends ok with a round-trip
// time or as one named failure (failures.ts), each step within a bound.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseTurnUrl } from './config.js';
import type { TurnIceServer } from './credentials.js';
import { failureOfSocketError, type TurnFailure } from './failures.js';
import { iceCheckThroughRelay, type IceTarget } from './iceProbe.js';
import type { StunProtocol } from './stun/transport.js';
import { allocate, type TurnAllocation } from './turnClient.js';

export interface TurnCheckResult {
  url: string;
  transport: StunProtocol;
  /** The SFU media address checked (ip:port). */
  target: string;
  result: 'ok' | TurnFailure;
  rttMs?: number;
  /** The relay the TURN server allocated (ip:port). */
  relayed?: string;
  detail?: string;
}

export interface TurnCheckOptions {
  iceServers: readonly TurnIceServer[];
  /** The SFU transport's UDP candidates with its ICE parameters. */
  targets: readonly IceTarget[];
  /** Bound on each step (connect, each request, the ICE answer); default 5 s. */
  timeoutMs?: number;
  /** Extra CA certificates (PEM) trusted for turns: URLs. */
  ca?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

async function resolveTarget(target: IceTarget): Promise<IceTarget> {
  if (isIP(target.address) !== 0) return target;
  return { ...target, address: (await lookup(target.address)).address };
}

async function checkPath(
  url: string,
  server: TurnIceServer,
  target: IceTarget,
  options: TurnCheckOptions,
): Promise<TurnCheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const parsed = parseTurnUrl(url);
  const transport: StunProtocol = parsed.secure ? 'tls' : parsed.transport;
  const base = { url, transport, target: `${target.address}:${target.port}` };
  let relay: TurnAllocation | undefined;
  try {
    const peer = await resolveTarget(target);
    relay = await allocate({
      target: { protocol: transport, host: parsed.host, port: parsed.port, ca: options.ca },
      username: server.username,
      password: server.credential,
      timeoutMs,
    });
    const relayed = `${relay.relayed.address}:${relay.relayed.port}`;
    try {
      await relay.createPermission(peer.address);
      const rttMs = await iceCheckThroughRelay(relay, peer, timeoutMs);
      return { ...base, result: 'ok', rttMs: Math.round(rttMs * 10) / 10, relayed };
    } catch (error) {
      const failure = failureOfSocketError(error as Error);
      return { ...base, result: failure.failure, relayed, detail: failure.message };
    }
  } catch (error) {
    const failure = failureOfSocketError(error as Error);
    return { ...base, result: failure.failure, detail: failure.message };
  } finally {
    await relay?.release().catch(() => undefined); // freeing is best effort: it expires anyway
  }
}

/** One result per TURN URL and target, in order. */
export async function checkTurnPaths(options: TurnCheckOptions): Promise<TurnCheckResult[]> {
  const results: TurnCheckResult[] = [];
  for (const server of options.iceServers) {
    for (const url of server.urls) {
      for (const target of options.targets) {
        results.push(await checkPath(url, server, target, options));
      }
    }
  }
  return results;
}
