// The meeting: a screen share or the main speaker large, our preview and a
// page of participant tiles, a side panel (chat or participants), notices and
// toasts, and the controls.
import { useMemo, useState } from 'preact/hooks';
import { ChatPanel } from '../chat/ChatPanel.js';
import { ChatToggle } from '../chat/ChatToggle.js';
import { t } from '../i18n/index.js';
import { ParticipantsPanel } from '../participants/ParticipantsPanel.js';
import { ParticipantsToggle } from '../participants/ParticipantsToggle.js';
import { handPosition, visibleHands } from '../social/hands.js';
import { HandToggle } from '../social/HandToggle.js';
import { ReactionsButton } from '../social/ReactionsButton.js';
import { Controls } from './Controls.js';
import { LockIcon, PeopleIcon } from './icons.js';
import { DevicePicker } from './DevicePicker.js';
import { IncomingVideoToggle, LayoutToggle, PageSizeSelect, ScreenToggle } from './MediaToggles.js';
import { visiblePeers } from './peers.js';
import type { Notice } from './room.js';
import { isModeratorRole, mediaReconnecting } from './roomState.js';
import { SelfView } from './SelfView.js';
import {
  useActiveSpeaker,
  useChatState,
  useMediaState,
  useReactions,
  useRoomState,
  useSession,
  useSpeaking,
} from './sessionContext.js';
import { screenShown, tracksByPeer } from './remoteMedia.js';
import { MeetingTimer } from './MeetingTimer.js';
import { Stage } from './Stage.js';
import { Toasts } from './Toasts.js';
import { usePushToTalk } from './pushToTalk.js';
import { useShortcuts } from './shortcuts.js';
import { useLayout } from './useLayout.js';
import './meeting.css';

type Panel = 'none' | 'chat' | 'participants';

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

export function Meeting({ onLeave }: { onLeave(): void }) {
  const session = useSession();
  const state = useRoomState();
  const media = useMediaState();
  const chat = useChatState();
  const reactions = useReactions();
  const [panel, setPanel] = useState<Panel>('none');
  const activeSpeaker = useActiveSpeaker();
  const talking = useSpeaking();
  const byPeer = useMemo(() => tracksByPeer(media.remote), [media.remote]);
  const peers = useMemo(() => visiblePeers(state.peers), [state.peers]);
  const view = useLayout(peers, activeSpeaker, session.media);
  const self = state.self;
  const hands = self ? visibleHands(state.hands, self.peerId, state.peers) : [];
  const handRaised = self !== undefined && hands.includes(self.peerId);
  useShortcuts({
    mic: () => session.setEnabled('mic', media.mic !== 'on'),
    camera: () => session.setEnabled('camera', media.camera !== 'on'),
    hand: () => void session.perform(handRaised ? 'lowerHand' : 'raiseHand', {}),
    leave: onLeave,
  });
  usePushToTalk({
    muted: () => session.media.store.get().mic === 'off',
    setMic: (on) => session.setEnabled('mic', on),
  });
  if (!self) return null;

  const moderator = isModeratorRole(self.role);
  const toggle = (which: Panel) => setPanel(panel === which ? 'none' : which);

  return (
    <div class="meeting">
      <header class="meeting__header">
        <span class="meeting__brand">{t('app.title')}</span>
        <span class="meeting__room" data-testid="room-title">
          {session.room}
        </span>
        <MeetingTimer since={state.meetingSince} />
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
        {mediaReconnecting(state) && (
          <div
            class="banner banner--media"
            role="status"
            aria-live="polite"
            data-testid="media-reconnecting"
          >
            {t('meeting.mediaReconnecting')}
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
          <Stage
            layout={view.layout}
            screen={screenShown(media.remote, peers)}
            byPeer={byPeer}
            hands={hands}
            reactions={reactions}
            speaking={talking.peers}
            activeSpeaker={activeSpeaker}
            pinned={view.pinned}
            videoHidden={!view.incomingVideo}
            onPin={view.pin}
            onLayer={(consumerId, layer) => session.media.setPreferredLayer(consumerId, layer)}
            getStats={session.media.consumerStats}
            onPage={view.setPage}
            self={
              <SelfView
                displayName={self.displayName}
                camera={media.cameraTrack}
                cameraState={media.camera}
                micState={media.mic}
                role={self.role}
                hand={handPosition(hands, self.peerId)}
                reaction={reactions.get(self.peerId)}
                speaking={talking.self}
              />
            }
          />
          {peers.length === 0 && (
            <p class="meeting__alone" data-testid="alone">
              {t('meeting.alone', { link: location.href })}
            </p>
          )}
        </div>
        {panel === 'participants' && (
          <ParticipantsPanel self={self} hands={hands} onClose={() => setPanel('none')} />
        )}
        {panel === 'chat' && <ChatPanel self={self} onClose={() => setPanel('none')} />}
        <Toasts />
      </div>

      <Controls
        mic={media.mic}
        camera={media.camera}
        onMic={(on) => session.setEnabled('mic', on)}
        onCamera={(on) => session.setEnabled('camera', on)}
        onLeave={onLeave}
      >
        <DevicePicker
          micDevice={media.micDevice}
          cameraDevice={media.cameraDevice}
          onSelect={(source, deviceId) => void session.media.switchDevice(source, deviceId)}
        />
        <ScreenToggle
          state={media.screen}
          onToggle={(on) =>
            on ? void session.media.startScreenShare() : session.media.stopScreenShare()
          }
        />
        <LayoutToggle mode={view.mode} onToggle={view.toggleMode} />
        <IncomingVideoToggle on={view.incomingVideo} onToggle={view.toggleIncomingVideo} />
        <PageSizeSelect size={view.pageSize} onSelect={view.setPageSize} />
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
