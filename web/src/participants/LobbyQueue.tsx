// Who waits in the lobby (oldest first), for hosts and co-hosts to admit or
// turn away; updated live from lobbyChanged.
import type { LobbyEntry } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import type { Perform } from './perform.js';
import { RoleBadges } from './RoleBadges.js';

export function LobbyQueue({ lobby, perform }: { lobby: readonly LobbyEntry[]; perform: Perform }) {
  return (
    <section class="lobby-queue" data-testid="lobby-queue" aria-label={t('lobbyQueue.title')}>
      <h3 class="panel-heading">
        {t('lobbyQueue.title')} <span class="panel-heading__count">{lobby.length}</span>
      </h3>
      {lobby.length === 0 ? (
        <p class="panel-empty" data-testid="lobby-empty">
          {t('lobbyQueue.empty')}
        </p>
      ) : (
        <>
          <ul class="lobby-queue__list">
            {lobby.map((entry) => (
              <li
                key={entry.peerId}
                class="lobby-entry"
                data-testid="lobby-entry"
                data-peer-name={entry.displayName}
              >
                <span class="lobby-entry__name">{entry.displayName}</span>
                <RoleBadges role="participant" guest={entry.guest} />
                <span class="lobby-entry__buttons">
                  <button
                    type="button"
                    class="button button--primary button--small"
                    data-testid="admit"
                    onClick={() =>
                      void perform({ type: 'admit', payload: { peerId: entry.peerId } })
                    }
                  >
                    {t('lobbyQueue.admit')}
                  </button>
                  <button
                    type="button"
                    class="button button--small"
                    data-testid="deny"
                    onClick={() =>
                      void perform({ type: 'deny', payload: { peerId: entry.peerId } })
                    }
                  >
                    {t('lobbyQueue.deny')}
                  </button>
                </span>
              </li>
            ))}
          </ul>
          {lobby.length > 1 && (
            <button
              type="button"
              class="button button--small"
              data-testid="admit-all"
              onClick={() => {
                for (const entry of lobby)
                  void perform({ type: 'admit', payload: { peerId: entry.peerId } });
              }}
            >
              {t('lobbyQueue.admitAll')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
