// What a screen reader should hear when the meeting changes: pure functions
// from the previous and next state to sentences (in the current language).
import type { ChatMessageInfo } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import type { RoomState } from '../meeting/roomState.js';

const nameOf = (state: RoomState, peerId: string): string | undefined =>
  peerId === state.self?.peerId ? state.self.displayName : state.peers.get(peerId)?.displayName;

/** Arrivals, departures, dropped connections and hands; nothing before we are in (the join reply is no news). */
export function roomAnnouncements(before: RoomState, after: RoomState): string[] {
  if (after.phase !== 'joined') return [];
  if (before.phase !== 'joined') return before.phase === 'joining' ? [t('a11y.youJoined')] : [];
  const out: string[] = [];
  for (const [id, peer] of after.peers) {
    const was = before.peers.get(id);
    if (peer.announced && !was?.announced) out.push(t('a11y.joined', { name: peer.displayName }));
  }
  for (const [id, peer] of before.peers) {
    if (peer.announced && !after.peers.has(id)) {
      out.push(t('a11y.left', { name: peer.displayName }));
    }
  }
  for (const [id, peer] of after.peers) {
    const was = before.peers.get(id);
    if (!peer.announced || !was?.announced || was.reconnecting === peer.reconnecting) continue;
    const key = peer.reconnecting ? 'a11y.reconnecting' : 'a11y.reconnected';
    out.push(t(key, { name: peer.displayName }));
  }
  const self = after.self?.peerId;
  for (const id of after.hands) {
    const name = nameOf(after, id);
    if (id !== self && name && !before.hands.includes(id)) out.push(t('a11y.handRaised', { name }));
  }
  for (const id of before.hands) {
    const name = nameOf(before, id);
    if (id !== self && name && !after.hands.includes(id)) out.push(t('a11y.handLowered', { name }));
  }
  return out;
}

/** Messages from others that were not there before. */
export function chatAnnouncements(
  before: readonly ChatMessageInfo[],
  after: readonly ChatMessageInfo[],
  selfPeerId: string | undefined,
): string[] {
  const known = new Set(before.map((m) => m.id));
  return after
    .filter((m) => !known.has(m.id) && (m.fromPeerId === undefined || m.fromPeerId !== selfPeerId))
    .map((m) => t('a11y.chat', { name: m.fromName, text: m.text.slice(0, 200) }));
}
