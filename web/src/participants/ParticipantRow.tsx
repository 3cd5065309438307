// One person in the participants list: name, role badges, raised hand, mic
// state, a dropped connection, and — for those we may moderate — a menu of
// actions.
import { useState } from 'preact/hooks';
import type { MeetingRoleName } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import { CameraOffIcon, HandIcon, MicOffIcon, MoreIcon } from '../meeting/icons.js';
import { initials } from '../meeting/Tile.js';
import { participantActions } from './actions.js';
import { ParticipantMenu } from './ParticipantMenu.js';
import type { Perform } from './perform.js';
import { RoleBadges } from './RoleBadges.js';
import type { RosterEntry } from './roster.js';

export interface ParticipantRowProps {
  entry: RosterEntry;
  myRole: MeetingRoleName;
  perform: Perform;
}

export function ParticipantRow({ entry, myRole, perform }: ParticipantRowProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  const target = { ...entry, handUp: entry.hand !== undefined };
  const actions = entry.self ? [] : participantActions(myRole, target);
  const menuLabel = t('participants.actionsFor', { name: entry.displayName });
  return (
    <li
      class="participant"
      data-testid="participant"
      data-peer-name={entry.displayName}
      data-role={entry.role}
      data-self={entry.self ? 'true' : undefined}
      data-hand={entry.hand}
      data-reconnecting={entry.reconnecting ? 'true' : undefined}
    >
      <div class="participant__main">
        <span class="participant__avatar" aria-hidden="true">
          {initials(entry.displayName)}
        </span>
        <span class="participant__name">
          {entry.displayName}
          {entry.self && <span class="participant__you"> ({t('meeting.you')})</span>}
        </span>
        <RoleBadges role={entry.role} guest={entry.guest} />
        <span class="participant__state">
          {entry.reconnecting && (
            <span class="participant__reconnecting" data-testid="participant-reconnecting">
              {t('meeting.peerReconnecting')}
            </span>
          )}
          {entry.hand !== undefined && (
            <span
              class="participant__hand"
              data-testid="participant-hand"
              title={t('hand.raisedAt', { position: entry.hand })}
            >
              <HandIcon />
              {entry.hand}
            </span>
          )}
          {!entry.micLive && (
            <span class="participant__off" role="img" aria-label={t('meeting.micMuted')}>
              <MicOffIcon />
            </span>
          )}
          {!entry.cameraLive && (
            <span class="participant__off" role="img" aria-label={t('meeting.cameraOff')}>
              <CameraOffIcon />
            </span>
          )}
        </span>
        {actions.length > 0 && (
          <button
            type="button"
            class="icon-button"
            data-testid="participant-menu"
            aria-expanded={menuOpen ? 'true' : 'false'}
            aria-label={menuLabel}
            title={menuLabel}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            <MoreIcon />
          </button>
        )}
      </div>
      {menuOpen && actions.length > 0 && (
        <ParticipantMenu
          name={entry.displayName}
          target={target}
          actions={actions}
          perform={perform}
          onDone={() => setMenuOpen(false)}
        />
      )}
    </li>
  );
}
