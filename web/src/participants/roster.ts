// Everyone in the meeting as the participants panel lists them: raised
// hands first, oldest first; then us; then the others in order of arrival.
import type { MeetingRoleName } from '../../../signaling/protocol/index.js';
import { isLive, type Peers } from '../meeting/peers.js';
import type { Self } from '../meeting/roomState.js';
import type { SourceState } from '../media/session.js';
import { handPosition } from '../social/hands.js';

export interface RosterEntry {
  readonly peerId: string;
  readonly displayName: string;
  readonly role: MeetingRoleName;
  readonly guest: boolean;
  readonly self: boolean;
  readonly micLive: boolean;
  readonly cameraLive: boolean;
  /** Place in the raised-hands queue. */
  readonly hand: number | undefined;
  /** Their connection dropped; they may still come back. */
  readonly reconnecting: boolean;
}

export function roster(
  self: Self,
  own: { mic: SourceState; camera: SourceState },
  peers: Peers,
  hands: readonly string[],
): RosterEntry[] {
  const entries: RosterEntry[] = [
    {
      peerId: self.peerId,
      displayName: self.displayName,
      role: self.role,
      guest: self.role === 'guest',
      self: true,
      micLive: own.mic === 'on',
      cameraLive: own.camera === 'on',
      hand: handPosition(hands, self.peerId),
      reconnecting: false,
    },
  ];
  for (const peer of peers.values()) {
    if (!peer.announced) continue;
    entries.push({
      peerId: peer.id,
      displayName: peer.displayName,
      role: peer.role,
      guest: peer.guest,
      self: false,
      micLive: isLive(peer, 'mic'),
      cameraLive: isLive(peer, 'camera'),
      hand: handPosition(hands, peer.id),
      reconnecting: peer.reconnecting,
    });
  }
  const raised = entries
    .filter((e) => e.hand !== undefined)
    .sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0));
  return [...raised, ...entries.filter((e) => e.hand === undefined)];
}
