import { render } from 'preact';
import { App } from './app.js';
import { startCredentials } from './auth/startup.js';
import { takeRelaySwitch } from './media/relayPolicy.js';
import { useStore } from './lib/store.js';
import {
  activateLanguageStore,
  createLanguageStore,
  LanguageContext,
  t,
  type LanguageStore,
} from './i18n/index.js';
import type { CredentialStore } from './auth/credentials.js';
import './app.css';

const languageStore = createLanguageStore();
activateLanguageStore(languageStore);
const showLanguage = () => {
  document.documentElement.lang = languageStore.get();
  document.title = t('app.title');
};
showLanguage();
languageStore.subscribe(showLanguage);

// Once, before anything else: the fragment's relay switch is read, and its
// token or invite is taken into memory and removed from the address bar.
takeRelaySwitch();
const credentials = startCredentials();

/**
 * Re-renders the whole tree when the language changes: every component reads
 * its strings through t() during render, so none keeps a stale one.
 */
function Root(props: { languageStore: LanguageStore; credentials: CredentialStore }) {
  useStore(props.languageStore);
  return (
    <LanguageContext.Provider value={props.languageStore}>
      <App pathname={location.pathname} credentials={props.credentials} />
    </LanguageContext.Provider>
  );
}

const root = document.getElementById('app');
let visit = 0;
const show = () => {
  if (root)
    render(<Root key={visit++} languageStore={languageStore} credentials={credentials} />, root);
};
show();

// A page restored from the back/forward cache has a closed session: start
// over at the join form. Not a reload, which would lose the credentials
// (they live in memory only).
addEventListener('pageshow', (event) => {
  if (event.persisted) show();
});
