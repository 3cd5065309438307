// The real meeting that keeps going while the fuzzer attacks: two WebRTC
// peers in Node sending audio and video to each other through the SFU node.
// A checkpoint passes when each has received more packets from the other
// than at the previous checkpoint (waited for, with a generous bound).
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';

export interface Meeting {
  readonly room: string;
  /** Ids the fuzzer must never name in a valid-shaped message (peers, producers). */
  readonly ids: string[];
  /** Packets each peer has received so far. */
  counts(): number[];
  /**
   * Waits until both peers' inbound packet counts grew since the last
   * checkpoint; false if one did not within `boundMs`.
   */
  checkpoint(boundMs?: number): Promise<boolean>;
  readonly checkpoints: { passed: number; failed: number; counts: number[] };
  close(): Promise<void>;
}

const inbound = (peer: NodePeer): number =>
  [...peer.received.values()].reduce((sum, s) => sum + s.packets, 0);

export async function startMeeting(url: string, room: string): Promise<Meeting> {
  const first = await startNodePeer(url, room, 'Анна');
  const second = await startNodePeer(url, room, 'Борис');
  const peers = [first, second];
  await first.startSending();
  await second.startSending();
  let last = peers.map(() => 0);
  const checkpoints = { passed: 0, failed: 0, counts: last };
  const meeting: Meeting = {
    room,
    get ids() {
      return peers.flatMap((p) => [
        p.peerId,
        ...Object.values(p.producerIds),
        ...p.received.keys(),
      ]);
    },
    counts: () => peers.map(inbound),
    async checkpoint(boundMs = 20_000) {
      const deadline = Date.now() + boundMs;
      for (;;) {
        const now = meeting.counts();
        if (now.every((n, i) => n > last[i]!)) {
          last = now;
          checkpoints.passed += 1;
          checkpoints.counts = now;
          return true;
        }
        if (Date.now() > deadline) {
          last = now;
          checkpoints.failed += 1;
          checkpoints.counts = now;
          return false;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    checkpoints,
    async close() {
      for (const peer of peers) await peer.close();
    },
  };
  // Media flows before the fuzzing starts.
  if (!(await meeting.checkpoint(60_000)))
    throw new Error('the meeting receives no media before the fuzzing even began');
  return meeting;
}
