// Hosts and co-hosts invite guests: a signed, expiring link to this room.
import { roomOf } from './moderationTarget.js';
import type { Handler } from './types.js';

export const createInvite: Handler<'createInvite'> = async (ctx, { role, name, ttlMinutes }) => {
  const room = roomOf(ctx);
  const { token, expiresAt } = await ctx.services.invites.issue({
    room,
    ...(role ? { role } : {}),
    ...(name ? { name } : {}),
    ttlSeconds: ttlMinutes * 60,
  });
  // The token travels in the fragment: browsers never send it to a server.
  const path = `/r/${encodeURIComponent(room)}#invite=${token}`;
  return {
    invite: token,
    path,
    ...(ctx.services.publicUrl ? { url: new URL(path, ctx.services.publicUrl).toString() } : {}),
    expiresAt: expiresAt.getTime(),
  };
};
