// Failed sign-ins are security events (ГОСТ Р 59548-2022 lists authentication
// among what a security log must hold): each refused socket authentication
// leaves an audit row with its reason code, the kind of credential offered and
// the client address. Nothing of the credential itself is kept.
import type { AuditSink } from '../audit/sink.js';
import type { Logger } from '../core/logger.js';
import { AuthError } from './tokens.js';

/** Which credential a handshake offered, read without trusting its shape. */
function credentialOf(auth: unknown): 'token' | 'invite' | 'none' {
  if (typeof auth !== 'object' || auth === null) return 'none';
  if ('token' in auth && auth.token) return 'token';
  if ('invite' in auth && auth.invite) return 'invite';
  return 'none';
}

/**
 * Records a refused socket authentication. Never throws and never delays the
 * refusal: a lost row is an error in the log.
 */
export function recordFailedSignIn(
  audit: AuditSink,
  log: Logger,
  attempt: { ip: string; error: unknown; auth: unknown },
): Promise<void> {
  const { ip, error, auth } = attempt;
  const refusal =
    error instanceof AuthError
      ? { code: error.code, reason: error.message }
      : { code: 'INTERNAL', reason: 'internal error' };
  return audit
    .record({
      action: 'auth.failed',
      actor: 'unauthenticated',
      target: undefined,
      room: undefined,
      at: new Date(),
      details: { ...refusal, credential: credentialOf(auth) },
      ip,
    })
    .catch((failure: unknown) => {
      log.error({ err: failure, ip }, 'failed sign-in not audited');
    });
}
