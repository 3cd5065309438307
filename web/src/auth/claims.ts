// The name a token or invite carries, read without verifying it: only to
// prefill the join form. The server verifies the token and decides the name
// everyone sees (the join reply's displayName).
import { parseDisplayName } from '../join/displayName.js';
import type { Credentials } from './credentials.js';

function payloadOf(jwt: string): unknown {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** The `name` claim of a staff token or a named invite, if it has a usable one. */
export function nameFromCredentials(credentials: Credentials): string | undefined {
  if (credentials.kind === 'none') return undefined;
  const payload = payloadOf(credentials.kind === 'token' ? credentials.token : credentials.invite);
  const name =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)['name']
      : undefined;
  return typeof name === 'string' ? parseDisplayName(name) : undefined;
}
