// Raised hands as shown: the server's queue, minus people no longer here.
import type { Peers } from '../meeting/peers.js';

export function visibleHands(
  hands: readonly string[],
  selfId: string | undefined,
  peers: Peers,
): string[] {
  return hands.filter((id) => id === selfId || peers.get(id)?.announced === true);
}

/** 1-based place in the queue, or undefined when the hand is down. */
export function handPosition(hands: readonly string[], peerId: string): number | undefined {
  const index = hands.indexOf(peerId);
  return index < 0 ? undefined : index + 1;
}
