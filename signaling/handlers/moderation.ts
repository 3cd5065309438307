// Moderation of other participants. The dispatcher has checked the caller's
// role against the permission table; moderationTarget() checks rank.
import type { HandlerContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { isModerator, lobbyView } from '../rooms/control.js';
import { toPeerInfo } from '../rooms/registry.js';
import { moderatorGroup } from '../socket/notifier.js';
import { audit } from './audit.js';
import { leaveRoom } from './leave.js';
import { moderationTarget, roomOf } from './moderationTarget.js';
import type { Handler } from './types.js';
import { requireMember } from './types.js';

export const muteParticipant: Handler<'muteParticipant'> = async (ctx, { peerId }) => {
  const { actor, target } = await moderationTarget(ctx, peerId);
  await ctx.services.commands.pause(roomOf(ctx), target.peerId, ['mic'], actor.displayName);
  await audit(ctx, 'peer.mute', target.userId, { source: 'mic' });
  return {};
};

export const stopVideo: Handler<'stopVideo'> = async (ctx, { peerId }) => {
  const { actor, target } = await moderationTarget(ctx, peerId);
  await ctx.services.commands.pause(
    roomOf(ctx),
    target.peerId,
    ['camera', 'screen', 'screenAudio'],
    actor.displayName,
  );
  await audit(ctx, 'peer.stopVideo', target.userId, {});
  return {};
};

export const muteAll: Handler<'muteAll'> = async (ctx) => {
  const actor = requireMember(ctx);
  const room = roomOf(ctx);
  const control = await ctx.services.store.read(room);
  let muted = 0;
  for (const member of Object.values(control?.members ?? {})) {
    if (isModerator(member.role)) continue;
    await ctx.services.commands.pause(room, member.peerId, ['mic'], actor.displayName);
    muted += 1;
  }
  await audit(ctx, 'peer.mute', undefined, { all: true, muted });
  return { muted };
};

export const askToUnmute: Handler<'askToUnmute'> = async (ctx, { peerId }) => {
  const { actor, target } = await moderationTarget(ctx, peerId);
  ctx.services.notify.toSocket(target.socketId, 'unmuteRequested', { byName: actor.displayName });
  return {};
};

/** A new moderator sees the lobby queue at once, not at its next change. */
async function sendLobbyTo(ctx: HandlerContext, room: string, socketId: string): Promise<void> {
  const control = await ctx.services.store.read(room);
  if (control)
    ctx.services.notify.toSocket(socketId, 'lobbyChanged', { lobby: lobbyView(control) });
}

async function takeOut(ctx: HandlerContext, peerId: string, ban: boolean): Promise<void> {
  const { target } = await moderationTarget(ctx, peerId);
  const room = roomOf(ctx);
  // Out of the control state first, so the target can do nothing more; the
  // disconnect then cleans up its media on whichever node serves it.
  await ctx.services.membership.remove(room, target.peerId, { ban });
  ctx.services.notify.toSocket(target.socketId, 'removed', { reason: ban ? 'banned' : 'removed' });
  ctx.services.notify.disconnect(target.socketId);
  await audit(ctx, ban ? 'peer.ban' : 'peer.remove', target.userId, { name: target.displayName });
}

export const removeParticipant: Handler<'removeParticipant'> = async (ctx, { peerId }) => {
  await takeOut(ctx, peerId, false);
  return {};
};

export const banParticipant: Handler<'banParticipant'> = async (ctx, { peerId }) => {
  await takeOut(ctx, peerId, true);
  return {};
};

export const setRole: Handler<'setRole'> = async (ctx, { peerId, role }) => {
  const { target } = await moderationTarget(ctx, peerId);
  const room = roomOf(ctx);
  const updated = await ctx.services.store.update(room, (state) => {
    const member = state?.members[target.peerId];
    if (!state || !member) return { next: state, result: undefined };
    member.role = role;
    return { next: state, result: member };
  });
  if (!updated) throw new AppError('NOT_FOUND', 'no such participant');
  ctx.services.notify.setGroup(updated.socketId, moderatorGroup(room), isModerator(role));
  if (isModerator(role)) await sendLobbyTo(ctx, room, updated.socketId);
  ctx.services.notify.toRoom(room, 'peerUpdated', {
    peer: toPeerInfo(updated, ctx.services.media.producersOf(room, updated.peerId)),
  });
  await audit(ctx, 'role.change', target.userId, { from: target.role, to: role });
  return {};
};

export const transferHost: Handler<'transferHost'> = async (ctx, { peerId }) => {
  const { actor, target } = await moderationTarget(ctx, peerId);
  const room = roomOf(ctx);
  const changed = await ctx.services.store.update(room, (state) => {
    const from = state?.members[actor.peerId];
    const to = state?.members[target.peerId];
    if (!state || !from || !to || from.role !== 'host') return { next: state, result: undefined };
    from.role = 'cohost';
    to.role = 'host';
    return { next: state, result: [from, to] as const };
  });
  if (!changed) throw new AppError('NOT_FOUND', 'no such participant');
  for (const member of changed) {
    ctx.services.notify.setGroup(member.socketId, moderatorGroup(room), true);
    await sendLobbyTo(ctx, room, member.socketId);
    ctx.services.notify.toRoom(room, 'peerUpdated', {
      peer: toPeerInfo(member, ctx.services.media.producersOf(room, member.peerId)),
    });
  }
  await audit(ctx, 'role.change', target.userId, { to: 'host', previousHost: actor.userId });
  return {};
};

export const endMeeting: Handler<'endMeeting'> = async (ctx) => {
  const ended = await ctx.services.membership.closeMeeting(roomOf(ctx), ctx.session.socketId);
  await audit(ctx, 'meeting.end', undefined, {
    participants: Object.keys(ended?.members ?? {}).length,
  });
  await leaveRoom(ctx);
  return {};
};
