import { AppError } from '../core/errors.js';
import type { HandlerContext } from '../core/context.js';
import type { MemberState, RoomControl } from '../rooms/control.js';
import { outranks } from '../protocol/permissions.js';
import { requireMember } from './types.js';

/** The caller's room state and the target member, checked: present, not self, lower rank. */
export async function moderationTarget(
  ctx: HandlerContext,
  peerId: string,
): Promise<{ actor: MemberState; control: RoomControl; target: MemberState }> {
  const actor = requireMember(ctx);
  const room = ctx.session.peer?.roomName;
  const control = room ? await ctx.services.store.read(room) : undefined;
  const target = control?.members[peerId];
  if (!control || !target) throw new AppError('NOT_FOUND', 'no such participant');
  if (target.peerId === actor.peerId) throw new AppError('BAD_REQUEST', 'not on yourself');
  if (!outranks(actor.role, target.role))
    throw new AppError('FORBIDDEN', 'they rank as high as you');
  return { actor, control, target };
}

export function roomOf(ctx: HandlerContext): string {
  const room = ctx.session.peer?.roomName;
  if (!room) throw new AppError('NOT_JOINED', 'join a room first');
  return room;
}
