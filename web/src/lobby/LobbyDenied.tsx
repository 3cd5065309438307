// A host turned us away from the lobby.
import { t } from '../i18n/index.js';
import '../screens/screens.css';

export function LobbyDenied({ room }: { room: string }) {
  return (
    <main class="screen">
      <div class="card" data-testid="lobby-denied" role="alert">
        <h1 class="card__title">{t('lobby.deniedTitle')}</h1>
        <p class="card__lead">{t('join.room', { room })}</p>
        <a class="button" href="/">
          {t('left.home')}
        </a>
      </div>
    </main>
  );
}
