import { render } from 'preact';
import { App } from './app.js';
import { startCredentials } from './auth/startup.js';
import { language, t } from './i18n/index.js';
import './app.css';

document.documentElement.lang = language;
document.title = t('app.title');

// Once, before anything else: the fragment's token or invite is taken into
// memory and removed from the address bar.
const credentials = startCredentials();

const root = document.getElementById('app');
let visit = 0;
const show = () => {
  if (root)
    render(<App key={visit++} pathname={location.pathname} credentials={credentials} />, root);
};
show();

// A page restored from the back/forward cache has a closed session: start
// over at the join form. Not a reload, which would lose the credentials
// (they live in memory only).
addEventListener('pageshow', (event) => {
  if (event.persisted) show();
});
