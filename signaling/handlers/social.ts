// Raised hands (an ordered queue) and reactions (rate-limited per peer).
import { AppError } from '../core/errors.js';
import { can, outranks } from '../protocol/permissions.js';
import { roomOf } from './moderationTarget.js';
import { requireMember, type Handler } from './types.js';

export const raiseHand: Handler<'raiseHand'> = async (ctx) => {
  const member = requireMember(ctx);
  const room = roomOf(ctx);
  const hands = await ctx.services.store.update(room, (state) => {
    if (!state || state.hands.includes(member.peerId)) return { next: state, result: undefined };
    state.hands.push(member.peerId);
    return { next: state, result: state.hands };
  });
  if (hands) ctx.services.notify.toRoom(room, 'handsChanged', { hands });
  return {};
};

export const lowerHand: Handler<'lowerHand'> = async (ctx, { peerId }) => {
  const member = requireMember(ctx);
  const target = peerId ?? member.peerId;
  if (target !== member.peerId) {
    if (!can(member.role, 'hand.lowerOthers')) {
      throw new AppError('FORBIDDEN', "only hosts and co-hosts lower other people's hands");
    }
    const targetRole = (await ctx.services.store.read(roomOf(ctx)))?.members[target]?.role;
    if (targetRole && !outranks(member.role, targetRole)) {
      throw new AppError('FORBIDDEN', 'they rank as high as you');
    }
  }
  const room = roomOf(ctx);
  const hands = await ctx.services.store.update(room, (state) => {
    if (!state || !state.hands.includes(target)) return { next: state, result: undefined };
    state.hands = state.hands.filter((p) => p !== target);
    return { next: state, result: state.hands };
  });
  if (hands) ctx.services.notify.toRoom(room, 'handsChanged', { hands });
  return {};
};

export const react: Handler<'react'> = async (ctx, { reaction }) => {
  const member = requireMember(ctx);
  if (!ctx.takeReaction()) throw new AppError('RATE_LIMITED', 'too many reactions');
  ctx.services.notify.toRoom(roomOf(ctx), 'reaction', { peerId: member.peerId, reaction });
  return {};
};
