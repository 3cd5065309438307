// Waiting in the lobby until a host lets us in (the session then joins by
// itself and the meeting replaces this screen).
import { t } from '../i18n/index.js';
import { TrackVideo } from '../meeting/media.js';
import { useRoomState, useSession } from '../meeting/sessionContext.js';
import '../screens/screens.css';
import './lobby.css';

export function LobbyWaiting({ onLeave }: { onLeave(): void }) {
  const session = useSession();
  const { localTracks } = useRoomState();
  const camera = localTracks?.camera;
  return (
    <main class="screen">
      <div class="card lobby" data-testid="lobby-waiting" role="status">
        {camera && <TrackVideo track={camera} testId="lobby-preview" class="lobby__preview" />}
        <div class="lobby__spinner" aria-hidden="true" />
        <h1 class="card__title">{t('lobby.waitingTitle')}</h1>
        <p class="card__lead">{t('join.room', { room: session.room })}</p>
        <p class="card__lead">{t('lobby.waitingText')}</p>
        <div class="card__actions">
          <button class="button" type="button" data-testid="lobby-leave" onClick={onLeave}>
            {t('lobby.cancel')}
          </button>
        </div>
      </div>
    </main>
  );
}
