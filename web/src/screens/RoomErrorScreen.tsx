// The address names no valid room.
import { t } from '../i18n/index.js';
import './screens.css';

export function RoomErrorScreen() {
  return (
    <main class="screen">
      <div class="card" data-testid="room-error" role="alert">
        <h1 class="card__title">{t('room.invalidTitle')}</h1>
        <p class="card__lead">{t('room.invalidText')}</p>
        <a class="button" href="/">
          {t('room.home')}
        </a>
      </div>
    </main>
  );
}
