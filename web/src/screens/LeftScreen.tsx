// After leaving: a way back in.
import { t } from '../i18n/index.js';
import './screens.css';

export interface LeftScreenProps {
  room: string;
  onRejoin(): void;
}

export function LeftScreen({ room, onRejoin }: LeftScreenProps) {
  return (
    <main class="screen">
      <div class="card" data-testid="left-screen">
        <h1 class="card__title">{t('left.title')}</h1>
        <p class="card__lead">{t('join.room', { room })}</p>
        <div class="card__actions">
          <button
            class="button button--primary"
            type="button"
            data-testid="rejoin"
            onClick={onRejoin}
          >
            {t('left.rejoin')}
          </button>
          <a class="button" href="/">
            {t('left.home')}
          </a>
        </div>
      </div>
    </main>
  );
}
