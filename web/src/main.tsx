import { render } from 'preact';
import { App } from './app.js';
import { language, t } from './i18n/index.js';
import './app.css';

document.documentElement.lang = language;
document.title = t('app.title');

const root = document.getElementById('app');
if (root) render(<App pathname={location.pathname} />, root);

// A page restored from the back/forward cache has a closed session: start over.
addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});
