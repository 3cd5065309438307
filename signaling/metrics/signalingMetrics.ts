// A signaling node's own metrics in the process's Prometheus registry: who it
// serves now (rooms, peers, sockets, people in lobbies), how long lobby
// waits and joins take, how requests end, how the SFU answers, and how many
// TURN credentials it hands out. The registry is made by the composition
// root; the pieces of the node report through the ports below.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { isRequestType } from '../protocol/index.js';

/** What the node counts on request, read at every scrape. */
export interface NodeCounts {
  /** Rooms this node has connections in. */
  rooms(): number;
  /** Participants this node serves (joined, not in a lobby). */
  peers(): number;
  /** Open socket.io connections to this node. */
  sockets(): number;
  /** People this node serves who wait in a lobby. */
  lobbyWaiting(): number;
}

/** How a lobby wait ended: turned away at LOBBY_MAX_WAIT_MS, or otherwise (admitted, refused, left). */
export type LobbyWaitOutcome = 'timeout' | 'ended';

export interface SignalingMetrics {
  /** A request was answered: its type, and the error code when it was refused. */
  requestAnswered(type: string, errorCode?: string): void;
  /**
   * A client's join-to-media time (ms) as it measured it: counted once per
   * joined peer (`peer` is that join's state), however often it is sent.
   */
  joinTiming(peer: object, ms: number): void;
  lobbyWaitEnded(waitedMs: number, outcome: LobbyWaitOutcome): void;
  /** One set of TURN credentials was issued. */
  turnIssued(): void;
  /** One call to the SFU ended: `outcome` is `ok` or the SFU's error code. */
  sfuCall(method: string, outcome: string, seconds: number): void;
  /** The counts the node's gauges read from now on. */
  observeNode(counts: NodeCounts): void;
}

/** The longest join time recorded; a longer report counts as this (the top bucket is +Inf anyway). */
const MAX_JOIN_MS = 10 * 60_000;

/** Records nothing (a node composed without a registry). */
export const noMetrics: SignalingMetrics = {
  requestAnswered: () => undefined,
  joinTiming: () => undefined,
  lobbyWaitEnded: () => undefined,
  turnIssued: () => undefined,
  sfuCall: () => undefined,
  observeNode: () => undefined,
};

export function createSignalingMetrics(
  registry: Registry,
  options: { turnConfigured: boolean },
): SignalingMetrics {
  const registers = [registry];
  let counts: NodeCounts | undefined;
  const gauge = (name: string, help: string, read: (c: NodeCounts) => number) => {
    const metric: Gauge = new Gauge({
      name,
      help,
      registers,
      collect() {
        if (counts) metric.set(read(counts));
      },
    });
  };
  gauge('veche_signaling_rooms', 'Rooms this node has participants in', (c) => c.rooms());
  gauge('veche_signaling_peers', 'Participants this node serves (in a room)', (c) => c.peers());
  gauge('veche_signaling_sockets', 'Open socket.io connections to this node', (c) => c.sockets());
  gauge('veche_signaling_lobby_waiting', 'People this node serves who wait in a lobby', (c) =>
    c.lobbyWaiting(),
  );
  new Gauge({
    name: 'veche_signaling_turn_configured',
    help: '1 when clients get TURN credentials (TURN_URLS is set)',
    registers,
  }).set(options.turnConfigured ? 1 : 0);

  const requests = new Counter({
    name: 'veche_signaling_requests_total',
    help: 'Client requests answered, by type (refusals included)',
    labelNames: ['type'],
    registers,
  });
  const requestErrors = new Counter({
    name: 'veche_signaling_request_errors_total',
    help: 'Client requests refused, by type and error code',
    labelNames: ['type', 'code'],
    registers,
  });
  const joinMedia = new Histogram({
    name: 'veche_signaling_join_media_seconds',
    help: 'Time from the join (or the admission from a lobby) to media ready, as clients report it',
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60],
    registers,
  });
  const lobbyWaits = new Histogram({
    name: 'veche_signaling_lobby_wait_seconds',
    help: 'How long people waited in a lobby, by outcome (timeout: turned away at the limit)',
    labelNames: ['outcome'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers,
  });
  const turnCredentials = new Counter({
    name: 'veche_signaling_turn_credentials_issued_total',
    help: 'TURN credentials handed to clients (join, new transports, ICE restarts)',
    registers,
  });
  const sfuCalls = new Histogram({
    name: 'veche_signaling_sfu_call_duration_seconds',
    help: 'Calls to the SFU, by method and outcome (ok or the SFU error code)',
    labelNames: ['method', 'outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const timed = new WeakSet<object>();

  return {
    requestAnswered(type, errorCode) {
      // Only the protocol's types: a client cannot invent label values.
      const known = isRequestType(type) ? type : 'unknown';
      requests.inc({ type: known });
      if (errorCode !== undefined) requestErrors.inc({ type: known, code: errorCode });
    },
    joinTiming(peer, ms) {
      if (timed.has(peer) || !Number.isFinite(ms)) return;
      timed.add(peer);
      joinMedia.observe(Math.min(MAX_JOIN_MS, Math.max(0, ms)) / 1000);
    },
    lobbyWaitEnded(waitedMs, outcome) {
      lobbyWaits.observe({ outcome }, Math.max(0, waitedMs) / 1000);
    },
    turnIssued: () => turnCredentials.inc(),
    sfuCall(method, outcome, seconds) {
      sfuCalls.observe({ method, outcome }, seconds);
    },
    observeNode(node) {
      counts = node;
    },
  };
}
