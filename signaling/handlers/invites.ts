// Hosts and co-hosts invite guests: a signed, expiring link to this room.
import { audit } from './audit.js';
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
  // Who may now walk in, as whom and until when — never the token itself.
  await audit(ctx, 'invite.create', undefined, {
    role: role ?? 'guest',
    ...(name ? { name } : {}),
    expiresAt: expiresAt.toISOString(),
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
