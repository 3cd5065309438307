// The permission table as the product defines it, written out independently
// of the code: a change to who may do what must change this table too.
import { describe, expect, it } from 'vitest';
import { actions, can, outranks, type Action } from '../../signaling/protocol/permissions.js';

const H = 'host';
const C = 'cohost';
const P = 'participant';
const G = 'guest';
const expected: Record<Action, string[]> = {
  'media.publish': [H, C, P, G],
  'media.receive': [H, C, P, G],
  'screen.share': [H, C, P, G],
  'screen.shareWhenRestricted': [H, C],
  'lobby.manage': [H, C],
  'room.lock': [H, C],
  'room.lobby': [H, C],
  'room.passcode': [H],
  'room.chatPolicy': [H, C],
  'room.screenSharePolicy': [H, C],
  'peer.mute': [H, C],
  'peer.muteAll': [H, C],
  'peer.stopVideo': [H, C],
  'peer.askUnmute': [H, C],
  'peer.remove': [H, C],
  'peer.ban': [H, C],
  'role.set': [H],
  'role.transferHost': [H],
  'meeting.end': [H],
  'invite.create': [H, C],
  'hand.raise': [H, C, P, G],
  'hand.lowerOthers': [H, C],
  'reaction.send': [H, C, P, G],
  'chat.send': [H, C, P, G],
  'chat.sendWhileDisabled': [H, C],
};

describe('permission table', () => {
  it.each(actions.map((a) => [a]))('%s', (action) => {
    const allowed = (['host', 'cohost', 'participant', 'guest'] as const).filter((role) =>
      can(role, action),
    );
    expect(allowed).toEqual(expected[action]);
  });

  it('ranks host over co-host over everyone else', () => {
    expect(outranks('host', 'cohost')).toBe(true);
    expect(outranks('cohost', 'participant')).toBe(true);
    expect(outranks('cohost', 'guest')).toBe(true);
    expect(outranks('cohost', 'host')).toBe(false);
    expect(outranks('cohost', 'cohost')).toBe(false);
    expect(outranks('participant', 'guest')).toBe(false);
  });
});
