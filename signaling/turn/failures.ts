// The named ways a TURN path fails, as `npm run turn -- check` reports them:
// each says what an operator should look at.

export const turnFailures = {
  'auth-refused': 'coturn refused the credentials (secret or realm differ, or they expired)',
  'port-closed': 'nothing answers on the TURN port (not running, firewalled, wrong port)',
  'tls-name-mismatch': "the TLS certificate does not name the URL's host",
  'tls-untrusted': 'the TLS certificate is not trusted (self-signed, unknown CA, expired)',
  'peer-refused': "coturn's peer policy refuses the SFU's address (TURN_ALLOWED_PEER_IPS)",
  'no-answer': 'the relay works but the SFU never answered through it',
  timeout: 'the TURN server stopped answering part-way',
  'protocol-error': 'the TURN server answered something unexpected',
} as const;

export type TurnFailure = keyof typeof turnFailures;

/** An error that knows which named failure it is. */
export class TurnError extends Error {
  constructor(
    readonly failure: TurnFailure,
    detail: string,
  ) {
    super(`${failure}: ${detail}`);
    this.name = 'TurnError';
  }
}

const TLS_NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);
const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);
const CLOSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** A socket or TLS error as a named failure. */
export function failureOfSocketError(error: Error): TurnError {
  if (error instanceof TurnError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (TLS_NAME.has(code)) return new TurnError('tls-name-mismatch', error.message);
  if (TLS_TRUST.has(code)) return new TurnError('tls-untrusted', error.message);
  if (CLOSED.has(code)) return new TurnError('port-closed', error.message);
  return new TurnError('protocol-error', error.message);
}
