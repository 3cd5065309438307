// Staff tokens checked against the identity provider's keys (JWKS_URL): when
// those keys cannot be fetched every staff sign-in fails as a plain 401, so a
// refused token makes us look at the key source ourselves and say so in the
// log — at most once per interval, however many sign-ins fail.
import type { StaffTokenVerifier } from './auth/tokens.js';
import type { Logger } from './core/logger.js';

/** How often an unreachable key source is reported (and looked at). */
export const KEY_SOURCE_REPORT_INTERVAL_MS = 60_000;

export function reportKeySourceOutage(
  verify: StaffTokenVerifier,
  jwksUrl: string | undefined,
  log: Logger,
  options: { intervalMs?: number; now?: () => number } = {},
): StaffTokenVerifier {
  if (!jwksUrl) return verify;
  const keySource = jwksUrl;
  const intervalMs = options.intervalMs ?? KEY_SOURCE_REPORT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let lastLook = Number.NEGATIVE_INFINITY;

  async function look(): Promise<void> {
    let problem: Record<string, unknown> | undefined;
    try {
      const res = await fetch(keySource, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) problem = { status: res.status };
      await res.body?.cancel();
    } catch (error) {
      problem = { err: error };
    }
    if (problem)
      log.error(
        { ...problem, jwksUrl: keySource },
        'JWKS_URL unreachable: staff sign-ins are refused (401) until the identity provider answers',
      );
  }

  return async (token) => {
    try {
      return await verify(token);
    } catch (error) {
      const t = now();
      if (t - lastLook >= intervalMs) {
        lastLook = t;
        void look();
      }
      throw error;
    }
  };
}
