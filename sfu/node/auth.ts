// The internal endpoint's shared secret. Both sides are hashed to fixed-length
// digests before timingSafeEqual, so neither the secret's content nor its
// length leaks through timing; every accepted secret is compared every time.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** A check that accepts any of `secrets` (current, then previous while rotating). */
export function createSecretCheck(secrets: readonly string[]): (given: unknown) => boolean {
  const accepted = secrets.map(digest);
  return (given) => {
    if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
    const offered = digest(given);
    let ok = false;
    for (const expected of accepted) ok = timingSafeEqual(offered, expected) || ok;
    return ok;
  };
}
