// Opens the participants panel; for hosts and co-hosts a badge counts who
// waits in the lobby.
import { t } from '../i18n/index.js';
import { ControlToggle } from '../meeting/ControlToggle.js';
import { PeopleIcon } from '../meeting/icons.js';

export interface ParticipantsToggleProps {
  open: boolean;
  waiting: number;
  onToggle(): void;
}

export function ParticipantsToggle({ open, waiting, onToggle }: ParticipantsToggleProps) {
  const label =
    waiting > 0 ? t('participants.toggleWaiting', { count: waiting }) : t('participants.toggle');
  return (
    <ControlToggle testId="participants-toggle" pressed={open} label={label} onClick={onToggle}>
      <PeopleIcon />
      {waiting > 0 && (
        <span class="control__badge" data-testid="lobby-count">
          {waiting}
        </span>
      )}
    </ControlToggle>
  );
}
