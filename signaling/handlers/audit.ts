import type { AuditAction } from '../audit/sink.js';
import type { HandlerContext } from '../core/context.js';
import { userIdOf } from './identityOf.js';

/** Records a moderation action by the caller. Audit failures are logged, never silent. */
export async function audit(
  ctx: HandlerContext,
  action: AuditAction,
  target: string | undefined,
  details: Record<string, unknown> = {},
): Promise<void> {
  const { session, services } = ctx;
  const actor = ctx.member?.userId ?? userIdOf(session.identity, session.socketId);
  try {
    await services.audit.record({
      action,
      actor,
      target,
      room: ctx.member ? session.peer?.roomName : undefined,
      at: new Date(),
      details,
      ip: session.ip,
    });
  } catch (error) {
    session.log.error({ err: error, action }, 'audit event not recorded');
    throw error;
  }
}
