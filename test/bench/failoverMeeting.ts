// The meeting `bench:failover` moves between SFU nodes: six Node WebRTC
// peers joined through both signaling nodes in turn, the first three sending
// audio and video, everyone receiving everyone else. What counts is what
// each peer receives: whether every stream it should get flows again after
// a fault, and the gap it saw.
import { recoveryGapMs, startNodePeer, type NodePeer } from '../harness/nodePeer.js';

const PEERS = 6;
const SENDERS = 3;
const KINDS = ['audio', 'video'] as const;
type Kind = (typeof KINDS)[number];

/** How long `to` went without `from`'s `kind` across a fault at `at`; undefined until media came back. */
export type GapMeasure = (to: NodePeer, from: string, kind: Kind, at: number) => number | undefined;

/** After a SIGKILL: from the last packet before the kill to the first on the rebuilt stream. */
export const failoverGap: GapMeasure = recoveryGapMs;

/**
 * After `drain --migrate`: the old node keeps forwarding until each peer is
 * told to rebuild, so the gap runs from the last packet actually received on
 * a stream opened before `at` (not from `at`, which would count the admin
 * command's own start-up as silence) to the first packet on a stream opened
 * after it. Streams that overlap count as no gap.
 */
export const handoverGap: GapMeasure = (to, from, kind, at) => {
  const streams = [...to.received.values()].filter((s) => s.peerId === from && s.kind === kind);
  const before = streams.filter((s) => s.firstAt > 0 && s.firstAt <= at);
  const rebuilt = streams.filter((s) => s.firstAt > at).map((s) => s.firstAt);
  if (rebuilt.length === 0) return undefined;
  const lastBefore = Math.max(0, ...before.map((s) => s.lastAt));
  return Math.max(0, Math.min(...rebuilt) - lastBefore);
};

export interface Meeting {
  readonly room: string;
  readonly peers: readonly NodePeer[];
  /**
   * Every peer receives every other sender's audio and video on an open
   * stream that started after `since` (performance.now()) and has carried
   * at least `packets`.
   */
  receivesAll(since: number, packets: number): boolean;
  /** Per peer: the largest gap over the streams it receives, across a fault at `at`. */
  gaps(at: number, measure: GapMeasure): number[];
  /** mediaReset notifications each peer has had so far. */
  mediaResets(): number[];
  close(): Promise<void>;
}

export async function startMeeting(
  signalingUrls: readonly string[],
  room: string,
): Promise<Meeting> {
  const peers: NodePeer[] = [];
  const senders: NodePeer[] = [];
  const close = async () => {
    for (const peer of peers) await peer.close().catch(() => undefined);
  };
  try {
    for (let i = 0; i < PEERS; i += 1) {
      const url = signalingUrls[i % signalingUrls.length]!;
      const peer = await startNodePeer(url, room, `Participant ${i + 1}`);
      peers.push(peer);
      if (i < SENDERS) {
        await peer.startSending();
        senders.push(peer);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  const others = (to: NodePeer) => senders.filter((from) => from !== to);
  const meeting: Meeting = {
    room,
    peers,
    receivesAll(since, packets) {
      return peers.every((to) =>
        others(to).every((from) =>
          KINDS.every((kind) =>
            [...to.received.values()].some(
              (s) =>
                s.peerId === from.peerId &&
                s.kind === kind &&
                !s.closed &&
                s.firstAt > since &&
                s.packets >= packets,
            ),
          ),
        ),
      );
    },
    gaps(at, measure) {
      return peers.map((to) =>
        Math.max(
          ...others(to).flatMap((from) =>
            KINDS.map((kind) => measure(to, from.peerId, kind, at) ?? Number.NaN),
          ),
        ),
      );
    },
    mediaResets: () => peers.map((p) => p.mediaResets),
    close,
  };
  return meeting;
}
