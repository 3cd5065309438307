// Out of the meeting by someone else's decision: removed, banned, or the
// host ended it for everyone.
import { t, type MessageKey } from '../i18n/index.js';
import type { RemovedReason } from '../meeting/roomState.js';
import './screens.css';

const titles: Record<RemovedReason, MessageKey> = {
  removed: 'removed.removed',
  banned: 'removed.banned',
  meetingEnded: 'removed.meetingEnded',
};

export function RemovedScreen({ room, reason }: { room: string; reason: RemovedReason }) {
  return (
    <main class="screen">
      <div class="card" data-testid="removed-screen" data-reason={reason} role="alert">
        <h1 class="card__title">{t(titles[reason])}</h1>
        <p class="card__lead">{t('join.room', { room })}</p>
        <a class="button" href="/">
          {t('left.home')}
        </a>
      </div>
    </main>
  );
}
