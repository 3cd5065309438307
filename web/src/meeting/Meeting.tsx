// The meeting: our preview and one tile per participant in a grid, a side
// panel (chat or participants), notices and toasts, and the controls.
import { useMemo, useState } from 'preact/hooks';
import { ChatPanel } from '../chat/ChatPanel.js';
import { ChatToggle } from '../chat/ChatToggle.js';
import { t } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import type { RemoteTrack } from '../media/session.js';
import { ParticipantsPanel } from '../participants/ParticipantsPanel.js';
import { ParticipantsToggle } from '../participants/ParticipantsToggle.js';
import { handPosition, visibleHands } from '../social/hands.js';
import { HandToggle } from '../social/HandToggle.js';
import { ReactionsButton } from '../social/ReactionsButton.js';
import { Controls } from './Controls.js';
import { LockIcon, PeopleIcon } from './icons.js';
import { visiblePeers } from './peers.js';
import type { Notice, RoomSession } from './room.js';
import { isModeratorRole } from './roomState.js';
import { SelfView } from './SelfView.js';
import { Tile, type PeerTracks } from './Tile.js';
import { Toasts } from './Toasts.js';
import './meeting.css';

type Panel = 'none' | 'chat' | 'participants';

function tracksByPeer(remote: readonly RemoteTrack[]): Map<string, PeerTracks> {
  const byPeer = new Map<string, PeerTracks>();
  for (const { peerId, source, track } of remote) {
    const tracks = byPeer.get(peerId) ?? {};
    if (source === 'mic') tracks.audio = track;
    else if (source === 'camera') tracks.video = track;
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
  const chat = useStore(session.chat.store);
  const reactions = useStore(session.reactions.store);
  const [panel, setPanel] = useState<Panel>('none');
  const byPeer = useMemo(() => tracksByPeer(media.remote), [media.remote]);
  const self = state.self;
  if (!self) return null;

  const peers = visiblePeers(state.peers);
  const hands = visibleHands(state.hands, self.peerId, state.peers);
  const { cols, rows } = gridShape(peers.length + 1);
  const handRaised = hands.includes(self.peerId);
  const moderator = isModeratorRole(self.role);
  const toggle = (which: Panel) => setPanel(panel === which ? 'none' : which);

  return (
    <div class="meeting">
      <header class="meeting__header">
        <span class="meeting__brand">{t('app.title')}</span>
        <span class="meeting__room" data-testid="room-title">
          {session.room}
        </span>
        {state.settings.locked && (
          <span class="meeting__flag" data-testid="room-locked" title={t('room.lockedFlag')}>
            <LockIcon />
            <span class="meeting__flag-text">{t('room.lockedFlag')}</span>
          </span>
        )}
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

      <div class="meeting__body">
        <div class="meeting__stage">
          <main class="meeting__grid" style={`--cols: ${cols}; --rows: ${rows}`}>
            <SelfView
              displayName={self.displayName}
              camera={state.localTracks?.camera}
              cameraState={media.camera}
              micState={media.mic}
              role={self.role}
              hand={handPosition(hands, self.peerId)}
              reaction={reactions.get(self.peerId)}
            />
            {peers.map((peer) => (
              <Tile
                key={peer.id}
                peer={peer}
                tracks={byPeer.get(peer.id) ?? {}}
                hand={handPosition(hands, peer.id)}
                reaction={reactions.get(peer.id)}
              />
            ))}
          </main>
          {peers.length === 0 && (
            <p class="meeting__alone" data-testid="alone">
              {t('meeting.alone', { link: location.href })}
            </p>
          )}
        </div>
        {panel === 'participants' && (
          <ParticipantsPanel
            session={session}
            self={self}
            hands={hands}
            onClose={() => setPanel('none')}
          />
        )}
        {panel === 'chat' && (
          <ChatPanel session={session} self={self} onClose={() => setPanel('none')} />
        )}
        <Toasts session={session} />
      </div>

      <Controls
        mic={media.mic}
        camera={media.camera}
        onMic={(on) => session.setEnabled('mic', on)}
        onCamera={(on) => session.setEnabled('camera', on)}
        onLeave={onLeave}
      >
        <HandToggle
          raised={handRaised}
          onToggle={(raise) => void session.perform(raise ? 'raiseHand' : 'lowerHand', {})}
        />
        <ReactionsButton onReact={(reaction) => void session.perform('react', { reaction })} />
        <ChatToggle open={panel === 'chat'} unread={chat.unread} onToggle={() => toggle('chat')} />
        <ParticipantsToggle
          open={panel === 'participants'}
          waiting={moderator ? state.lobby.length : 0}
          onToggle={() => toggle('participants')}
        />
      </Controls>
    </div>
  );
}
