// Credentials in the address fragment: /r/<room>#token=<jwt> (staff, from the
// workspace) or #invite=<token> (a guest invite link). Fragments never reach
// the server in a request; we read it once and then remove it from the
// address bar so it stays out of history, bookmarks and shared screenshots.
import { inviteCredentials, tokenCredentials, type Credentials } from './credentials.js';

export function parseFragment(hash: string): Credentials | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token !== null) return tokenCredentials(token);
  const invite = params.get('invite');
  if (invite !== null) return inviteCredentials(invite);
  return undefined;
}

/** Reads credentials from location.hash and, if it carried any, clears the fragment. */
export function takeFragmentCredentials(): Credentials | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (!params.has('token') && !params.has('invite')) return undefined;
  const credentials = parseFragment(location.hash);
  history.replaceState(history.state, '', location.pathname + location.search);
  return credentials;
}
