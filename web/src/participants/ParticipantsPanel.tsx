// Everyone in the meeting; for hosts and co-hosts also the lobby queue, the
// room controls and per-person actions.
import { can } from '../../../signaling/protocol/permissions.js';
import { t } from '../i18n/index.js';
import type { Self } from '../meeting/roomState.js';
import { useMediaState, useRoomState, useSession } from '../meeting/sessionContext.js';
import { SidePanel } from '../meeting/SidePanel.js';
import { LobbyQueue } from './LobbyQueue.js';
import { ParticipantRow } from './ParticipantRow.js';
import { performer } from './perform.js';
import { RoomControls } from './RoomControls.js';
import { roster } from './roster.js';
import './participants.css';

export interface ParticipantsPanelProps {
  self: Self;
  /** Raised hands as shown (people still here), oldest first. */
  hands: readonly string[];
  onClose(): void;
}

export function ParticipantsPanel({ self, hands, onClose }: ParticipantsPanelProps) {
  const session = useSession();
  const state = useRoomState();
  const media = useMediaState();
  const perform = performer(session);
  const entries = roster(self, media, state.peers, hands);
  const moderator = can(self.role, 'lobby.manage');

  return (
    <SidePanel
      testId="participants"
      title={t('participants.title', { count: entries.length })}
      onClose={onClose}
    >
      {moderator && (
        <RoomControls
          role={self.role}
          settings={state.settings}
          perform={perform}
          onMutedAll={(count) => session.toasts.show({ kind: 'mutedAll', count })}
        />
      )}
      {moderator && <LobbyQueue lobby={state.lobby} perform={perform} />}
      <section aria-label={t('participants.inMeeting')}>
        {moderator && <h3 class="panel-heading">{t('participants.inMeeting')}</h3>}
        <ul class="participant-list">
          {entries.map((entry) => (
            <ParticipantRow key={entry.peerId} entry={entry} myRole={self.role} perform={perform} />
          ))}
        </ul>
      </section>
    </SidePanel>
  );
}
