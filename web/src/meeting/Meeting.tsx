// The meeting: our preview and one tile per participant in a grid, notices,
// and the controls.
import { useMemo } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import type { RemoteTrack } from '../media/session.js';
import { Controls } from './Controls.js';
import { PeopleIcon } from './icons.js';
import { visiblePeers } from './peers.js';
import type { Notice, RoomSession } from './room.js';
import { SelfView } from './SelfView.js';
import { Tile, type PeerTracks } from './Tile.js';
import './meeting.css';

function tracksByPeer(remote: readonly RemoteTrack[]): Map<string, PeerTracks> {
  const byPeer = new Map<string, PeerTracks>();
  for (const { peerId, source, track } of remote) {
    const tracks = byPeer.get(peerId) ?? {};
    if (source === 'mic') tracks.audio = track;
    else tracks.video = track;
    byPeer.set(peerId, tracks);
  }
  return byPeer;
}

/** Columns and rows for n equal tiles, roughly square overall. */
function gridShape(n: number): { cols: number; rows: number } {
  const cols = Math.ceil(Math.sqrt(n));
  return { cols, rows: Math.ceil(n / cols) };
}

function noticeText(notice: Notice): string {
  switch (notice.key) {
    case 'noDevices':
      return t('notice.noDevices');
    case 'noCamera':
      return t('notice.noCamera');
    case 'noMic':
      return t('notice.noMic');
    case 'mediaFailed':
      return t('notice.mediaFailed', { message: notice.message });
  }
}

export function Meeting({ session, onLeave }: { session: RoomSession; onLeave(): void }) {
  const state = useStore(session.store);
  const media = useStore(session.media.store);
  const byPeer = useMemo(() => tracksByPeer(media.remote), [media.remote]);
  const peers = visiblePeers(state.peers);
  const { cols, rows } = gridShape(peers.length + 1);

  return (
    <div class="meeting">
      <header class="meeting__header">
        <span class="meeting__brand">{t('app.title')}</span>
        <span class="meeting__room" data-testid="room-title">
          {session.room}
        </span>
        <span
          class="meeting__count"
          data-testid="participant-count"
          title={t('meeting.participants', { count: peers.length + 1 })}
        >
          <PeopleIcon />
          {peers.length + 1}
        </span>
      </header>

      <div class="meeting__banners">
        {state.phase === 'reconnecting' && (
          <div class="banner banner--warn" role="status" data-testid="reconnecting">
            {t('meeting.reconnecting')}
          </div>
        )}
        {state.notices.map((notice, index) => (
          <div class="banner" role="status" data-testid="notice" key={index}>
            <span>{noticeText(notice)}</span>
            <button
              type="button"
              class="banner__close"
              aria-label={t('notice.dismiss')}
              title={t('notice.dismiss')}
              onClick={() => session.dismissNotice(notice)}
            >
              ×
            </button>
          </div>
        ))}
      </div>

      <main class="meeting__grid" style={`--cols: ${cols}; --rows: ${rows}`}>
        <SelfView
          displayName={session.displayName}
          camera={state.localTracks?.camera}
          cameraState={media.camera}
          micState={media.mic}
        />
        {peers.map((peer) => (
          <Tile key={peer.id} peer={peer} tracks={byPeer.get(peer.id) ?? {}} />
        ))}
      </main>
      {peers.length === 0 && (
        <p class="meeting__alone" data-testid="alone">
          {t('meeting.alone', { link: location.href })}
        </p>
      )}

      <Controls
        mic={media.mic}
        camera={media.camera}
        onMic={(on) => session.setEnabled('mic', on)}
        onCamera={(on) => session.setEnabled('camera', on)}
        onLeave={onLeave}
      />
    </div>
  );
}
