// At page start: credentials from the fragment (then scrubbed), and from the
// embedding workspace for as long as the page lives (a renewed token replaces
// the old one and is used on the next reconnect).
import { createCredentialStore, type CredentialStore } from './credentials.js';
import { takeFragmentCredentials } from './fragment.js';
import { listenToParent } from './parentWindow.js';

export function startCredentials(): CredentialStore {
  const store = createCredentialStore(takeFragmentCredentials());
  listenToParent((credentials) => store.set(credentials));
  return store;
}
