// What we may do to another participant: the server's own permission table
// (signaling/protocol/permissions.ts) decides, plus its rank rule — nobody acts
// on someone of equal or higher rank, so a co-host is never offered actions
// on the host or on another co-host.
import type { MeetingRoleName } from '../../../signaling/protocol/index.js';
import { can, outranks } from '../../../signaling/protocol/permissions.js';
import type { Call } from './perform.js';

export type ParticipantAction =
  | 'mute'
  | 'stopVideo'
  | 'askToUnmute'
  | 'lowerHand'
  | 'makeCohost'
  | 'removeCohost'
  | 'makeHost'
  | 'remove'
  | 'ban';

export interface ActionTarget {
  readonly peerId: string;
  readonly role: MeetingRoleName;
  readonly guest: boolean;
  readonly micLive: boolean;
  readonly cameraLive: boolean;
  readonly handUp: boolean;
}

export function participantActions(me: MeetingRoleName, target: ActionTarget): ParticipantAction[] {
  if (!outranks(me, target.role)) return [];
  const actions: ParticipantAction[] = [];
  if (can(me, 'peer.mute') && target.micLive) actions.push('mute');
  if (can(me, 'peer.stopVideo') && target.cameraLive) actions.push('stopVideo');
  if (can(me, 'peer.askUnmute') && !target.micLive) actions.push('askToUnmute');
  if (can(me, 'hand.lowerOthers') && target.handUp) actions.push('lowerHand');
  if (can(me, 'role.set')) actions.push(target.role === 'cohost' ? 'removeCohost' : 'makeCohost');
  if (can(me, 'role.transferHost')) actions.push('makeHost');
  if (can(me, 'peer.remove')) actions.push('remove');
  if (can(me, 'peer.ban')) actions.push('ban');
  return actions;
}

/** Actions that ask "are you sure?" first. */
export const needsConfirmation = (action: ParticipantAction): boolean =>
  action === 'ban' || action === 'makeHost';

/** The request an action sends. */
export function requestFor(action: ParticipantAction, target: ActionTarget): Call {
  const peerId = target.peerId;
  switch (action) {
    case 'mute':
      return { type: 'muteParticipant', payload: { peerId } };
    case 'stopVideo':
      return { type: 'stopVideo', payload: { peerId } };
    case 'askToUnmute':
      return { type: 'askToUnmute', payload: { peerId } };
    case 'lowerHand':
      return { type: 'lowerHand', payload: { peerId } };
    case 'makeCohost':
      return { type: 'setRole', payload: { peerId, role: 'cohost' } };
    case 'removeCohost':
      // Back to what they would be: a guest stays a guest.
      return { type: 'setRole', payload: { peerId, role: target.guest ? 'guest' : 'participant' } };
    case 'makeHost':
      return { type: 'transferHost', payload: { peerId } };
    case 'remove':
      return { type: 'removeParticipant', payload: { peerId } };
    case 'ban':
      return { type: 'banParticipant', payload: { peerId } };
  }
}

/** data-testid of each action's button. */
export const actionTestId: Readonly<Record<ParticipantAction, string>> = {
  mute: 'action-mute',
  stopVideo: 'action-stop-video',
  askToUnmute: 'action-ask-unmute',
  lowerHand: 'action-lower-hand',
  makeCohost: 'action-make-cohost',
  removeCohost: 'action-remove-cohost',
  makeHost: 'action-make-host',
  remove: 'action-remove',
  ban: 'action-ban',
};
