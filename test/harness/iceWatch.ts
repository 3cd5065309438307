// What a page's WebRTC connections use: every RTCPeerConnection it makes is
// recorded with the ICE servers and policy it was given, and the path each
// one carries media on now (the selected candidate pair) can be read.
import type { BrowserContext, Page } from 'playwright-core';

export interface RecordedConnection {
  iceServers: { urls: string[]; username?: string }[];
  iceTransportPolicy: string;
}

export interface MediaPath {
  /** host, srflx, prflx or relay: `relay` went through the TURN server. */
  localType: string;
  /** udp or tcp, between this browser and the far end of the pair. */
  protocol: string;
  /** For a relay candidate: how the browser reached the TURN server (udp, tcp, tls). */
  relayProtocol: string | undefined;
  remoteAddress: string;
  remotePort: number;
  /** The current round-trip time (ms), when known. */
  rttMs: number | undefined;
  bytesReceived: number;
}

/** Records the RTCPeerConnections of the context's pages (before any page script runs). */
export async function recordPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: { pc: RTCPeerConnection; config: RTCConfiguration }[] = [];
    const timeline: { at: number; connection: number; state: string }[] = [];
    const w = window as unknown as {
      vechePeerConnections: typeof made;
      vecheTimeline: typeof timeline;
    };
    w.vechePeerConnections = made;
    w.vecheTimeline = timeline;
    class Recorded extends Native {
      constructor(config: RTCConfiguration = {}) {
        super(config);
        const connection = made.push({ pc: this, config }) - 1;
        this.addEventListener('iceconnectionstatechange', () =>
          timeline.push({ at: Date.now(), connection, state: `ice:${this.iceConnectionState}` }),
        );
        this.addEventListener('icecandidate', (event) => {
          if (event.candidate === null)
            timeline.push({ at: Date.now(), connection, state: 'gathered' });
        });
      }
    }
    window.RTCPeerConnection = Recorded;
  });
}

/** ICE state changes of the page's connections since `since` (ms after the epoch), in order. */
export function connectionTimeline(
  page: Page,
  since = 0,
): Promise<{ at: number; connection: number; state: string }[]> {
  return page.evaluate(
    (since) =>
      (
        window as unknown as { vecheTimeline: { at: number; connection: number; state: string }[] }
      ).vecheTimeline.filter((e) => e.at >= since),
    since,
  );
}

/** The ICE servers (without credentials) and policies the page's connections were given. */
export function recordedConnections(page: Page): Promise<RecordedConnection[]> {
  return page.evaluate(() =>
    (
      window as unknown as {
        vechePeerConnections: { config: RTCConfiguration }[];
      }
    ).vechePeerConnections.map(({ config }) => ({
      iceServers: (config.iceServers ?? []).map((server) => ({
        urls: Array.isArray(server.urls) ? server.urls : [server.urls],
        ...(server.username ? { username: server.username } : {}),
      })),
      iceTransportPolicy: config.iceTransportPolicy ?? 'all',
    })),
  );
}

/** The selected path of every open connection of the page that has one. */
export function mediaPaths(page: Page): Promise<MediaPath[]> {
  return page.evaluate(async () => {
    const made = (window as unknown as { vechePeerConnections: { pc: RTCPeerConnection }[] })
      .vechePeerConnections;
    const paths: MediaPath[] = [];
    for (const { pc } of made) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      const all = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => all.set(s['id'] as string, s));
      const transport = [...all.values()].find((s) => s['type'] === 'transport');
      const pair = all.get(transport?.['selectedCandidatePairId'] as string);
      if (!pair || pair['state'] !== 'succeeded') continue;
      const local = all.get(pair['localCandidateId'] as string) ?? {};
      const remote = all.get(pair['remoteCandidateId'] as string) ?? {};
      const rtt = pair['currentRoundTripTime'];
      paths.push({
        localType: String(local['candidateType']),
        protocol: String(local['protocol']),
        relayProtocol:
          local['relayProtocol'] === undefined ? undefined : String(local['relayProtocol']),
        remoteAddress: String(remote['address'] ?? remote['ip']),
        remotePort: Number(remote['port']),
        rttMs: typeof rtt === 'number' ? Math.round(rtt * 1000 * 10) / 10 : undefined,
        bytesReceived: Number(pair['bytesReceived'] ?? 0),
      });
    }
    return paths;
  });
}
