// "Host", "Co-host" and "Guest" labels, on tiles and in the participants list.
import type { MeetingRoleName } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import './participants.css';

export function RoleBadges({ role, guest }: { role: MeetingRoleName; guest: boolean }) {
  return (
    <>
      {role === 'host' && (
        <span class="role-badge role-badge--host" data-testid="role-badge" data-role="host">
          {t('role.host')}
        </span>
      )}
      {role === 'cohost' && (
        <span class="role-badge role-badge--cohost" data-testid="role-badge" data-role="cohost">
          {t('role.cohost')}
        </span>
      )}
      {(guest || role === 'guest') && (
        <span class="role-badge role-badge--guest" data-testid="role-badge" data-role="guest">
          {t('role.guest')}
        </span>
      )}
    </>
  );
}
