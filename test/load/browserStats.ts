// What a meeting page receives, read as the page itself would: getStats() of
// every RTCPeerConnection the page made (recorded by recordPeerConnections),
// its inbound-rtp streams of video and audio, the packets it sends (none for
// a receiver), and how many remote tiles show a playing camera.
import type { Page } from 'playwright-core';

export interface InboundVideo {
  /** The participant whose tile plays this stream, when it is on the page. */
  peer?: string;
  /** The receiving track's id (inbound-rtp trackIdentifier). */
  trackId: string;
  framesDecoded: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  packetsLost: number;
  packetsReceived: number;
  jitterMs?: number;
}

export interface InboundAudio {
  trackId: string;
  packetsReceived: number;
  packetsLost: number;
  totalSamplesReceived?: number;
  concealedSamples?: number;
}

export interface PageMediaStats {
  inboundVideo: InboundVideo[];
  inboundAudio: InboundAudio[];
  /** Packets the page's outbound-rtp streams sent (0: it publishes nothing). */
  packetsSent: number;
  /** Remote tiles whose <video> plays a camera with a decoded picture. */
  tilesWithVideo: number;
}

interface RawPage {
  /** Remote tiles with a camera track: who, which track, whether it plays a decoded picture. */
  tiles: { peer: string; trackId: string; playing: boolean }[];
  /** The inbound-rtp and outbound-rtp entries of every open connection. */
  rtp: Record<string, unknown>[];
}

/**
 * Collects the page's tiles and RTP statistics as they are. The function runs
 * in the page and declares no named helpers: a loader that keeps function
 * names (tsx) would wrap them in a helper the page does not have.
 */
function collect(page: Page): Promise<RawPage> {
  return page.evaluate(async () => {
    const made =
      (window as unknown as { vechePeerConnections?: { pc: RTCPeerConnection }[] })
        .vechePeerConnections ?? [];
    const raw: RawPage = { tiles: [], rtp: [] };
    for (const tile of document.querySelectorAll('[data-testid="tile"]')) {
      const video = tile.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
      const stream = video?.srcObject;
      if (!video || !(stream instanceof MediaStream)) continue;
      const track = stream.getVideoTracks()[0];
      if (!track) continue;
      raw.tiles.push({
        peer: tile.getAttribute('data-peer-name') ?? '',
        trackId: track.id,
        playing:
          tile.getAttribute('data-camera') === 'on' &&
          track.readyState === 'live' &&
          !video.paused &&
          video.videoWidth > 0,
      });
    }
    for (const { pc } of made) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s['type'] === 'inbound-rtp' || s['type'] === 'outbound-rtp') raw.rtp.push({ ...s });
      });
    }
    return raw;
  });
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The numeric fields of `s` among `keys` that are present, under their own names. */
const pick = (s: Record<string, unknown>, keys: readonly string[]): Record<string, number> => {
  const picked: Record<string, number> = {};
  for (const k of keys) {
    const v = num(s[k]);
    if (v !== undefined) picked[k] = v;
  }
  return picked;
};

/** Reads the page's connections and tiles in one go. */
export async function readPageMedia(page: Page): Promise<PageMediaStats> {
  const { tiles, rtp } = await collect(page);
  const peers = new Map(tiles.map((t) => [t.trackId, t.peer]));
  const result: PageMediaStats = {
    inboundVideo: [],
    inboundAudio: [],
    packetsSent: 0,
    tilesWithVideo: tiles.filter((t) => t.playing).length,
  };
  for (const s of rtp) {
    if (s['type'] === 'outbound-rtp') {
      result.packetsSent += num(s['packetsSent']) ?? 0;
      continue;
    }
    const trackId = String(s['trackIdentifier'] ?? s['id']);
    // mediasoup's bandwidth probe, not anybody's camera.
    if (trackId === 'probator') continue;
    const counts = {
      trackId,
      packetsReceived: num(s['packetsReceived']) ?? 0,
      packetsLost: num(s['packetsLost']) ?? 0,
    };
    if (s['kind'] === 'video') {
      const jitter = num(s['jitter']);
      const peer = peers.get(trackId);
      result.inboundVideo.push({
        ...(peer !== undefined ? { peer } : {}),
        ...counts,
        framesDecoded: num(s['framesDecoded']) ?? 0,
        ...pick(s, ['framesPerSecond', 'frameWidth', 'frameHeight']),
        ...(jitter !== undefined ? { jitterMs: Math.round(jitter * 10_000) / 10 } : {}),
      });
    } else if (s['kind'] === 'audio') {
      result.inboundAudio.push({
        ...counts,
        ...pick(s, ['totalSamplesReceived', 'concealedSamples']),
      });
    }
  }
  return result;
}
