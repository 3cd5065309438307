// Hosts and co-hosts let people in from the lobby, or turn them away.
import type { HandlerContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { lobbyView, type LobbyState } from '../rooms/control.js';
import { audit } from './audit.js';
import { personIdOf } from './identityOf.js';
import { roomOf } from './moderationTarget.js';
import type { Handler } from './types.js';

function decide(admitted: boolean) {
  return async (
    ctx: HandlerContext,
    { peerId }: { peerId: string },
  ): Promise<Record<string, never>> => {
    const room = roomOf(ctx);
    const decided = await ctx.services.store.update(room, (state) => {
      const entry = state?.lobby[peerId];
      if (!state || !entry) return { next: state, result: undefined };
      delete state.lobby[peerId];
      const admission = personIdOf(entry);
      if (admitted && !state.admitted.includes(admission)) state.admitted.push(admission);
      return { next: state, result: { entry, lobby: lobbyView(state) } };
    });
    if (!decided) throw new AppError('NOT_FOUND', 'nobody with that id is waiting');
    const { entry, lobby }: { entry: LobbyState; lobby: ReturnType<typeof lobbyView> } = decided;
    ctx.services.notify.toSocket(entry.socketId, 'lobbyDecision', { admitted });
    ctx.services.notify.toModerators(room, 'lobbyChanged', { lobby });
    await audit(ctx, admitted ? 'lobby.admit' : 'lobby.deny', entry.userId, {
      name: entry.displayName,
    });
    if (!admitted) ctx.services.notify.disconnect(entry.socketId);
    return {};
  };
}

export const admit: Handler<'admit'> = decide(true);
export const deny: Handler<'deny'> = decide(false);
