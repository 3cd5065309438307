// The room as a whole, for hosts and co-hosts: mute everyone, lock, lobby,
// chat for participants, passcode (host), end the meeting for all (host).
// Each control shows only if the permission table allows it for our role.
import { useState } from 'preact/hooks';
import type { MeetingRoleName, RoomSettings } from '../../../signaling/protocol/index.js';
import { isPasscode } from '../../../signaling/protocol/limits.js';
import { can } from '../../../signaling/protocol/permissions.js';
import { t } from '../i18n/index.js';
import { ConfirmButton } from './ConfirmButton.js';
import type { Perform } from './perform.js';
import { SettingToggle } from './SettingToggle.js';

export interface RoomControlsProps {
  role: MeetingRoleName;
  settings: RoomSettings;
  perform: Perform;
  onMutedAll(count: number): void;
}

function PasscodeSetting({ hasPasscode, perform }: { hasPasscode: boolean; perform: Perform }) {
  const [value, setValue] = useState('');
  const valid = isPasscode(value);
  return (
    <form
      class="passcode-setting"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        void perform({ type: 'setPasscode', payload: { passcode: value } });
        setValue('');
      }}
    >
      <label class="field">
        <span class="field__label">{t(hasPasscode ? 'room.passcodeOn' : 'room.passcodeOff')}</span>
        <input
          class="input input--small"
          data-testid="passcode-input"
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
          placeholder={t('room.passcodePlaceholder')}
          maxLength={64}
          autoComplete="off"
        />
      </label>
      <div class="passcode-setting__buttons">
        <button
          type="submit"
          class="button button--small"
          data-testid="passcode-set"
          disabled={!valid}
        >
          {t('room.passcodeSet')}
        </button>
        {hasPasscode && (
          <button
            type="button"
            class="button button--small"
            data-testid="passcode-clear"
            onClick={() => void perform({ type: 'setPasscode', payload: { passcode: null } })}
          >
            {t('room.passcodeClear')}
          </button>
        )}
      </div>
    </form>
  );
}

export function RoomControls({ role, settings, perform, onMutedAll }: RoomControlsProps) {
  return (
    <section class="room-controls" data-testid="room-controls" aria-label={t('room.controls')}>
      {can(role, 'peer.muteAll') && (
        <button
          type="button"
          class="button button--small"
          data-testid="mute-all"
          onClick={() =>
            void perform({ type: 'muteAll', payload: {} }).then((reply) => {
              if (reply) onMutedAll((reply as { muted: number }).muted);
            })
          }
        >
          {t('room.muteAll')}
        </button>
      )}
      {can(role, 'room.lock') && (
        <SettingToggle
          testId="lock-toggle"
          label={t('room.locked')}
          on={settings.locked}
          onChange={(locked) => void perform({ type: 'setRoomLock', payload: { locked } })}
        />
      )}
      {can(role, 'room.lobby') && (
        <SettingToggle
          testId="lobby-toggle"
          label={t('room.lobby')}
          on={settings.lobby}
          onChange={(enabled) => void perform({ type: 'setLobby', payload: { enabled } })}
        />
      )}
      {can(role, 'room.chatPolicy') && (
        <SettingToggle
          testId="chat-policy-toggle"
          label={t('room.chatForAll')}
          on={settings.chatEnabled}
          onChange={(enabled) => void perform({ type: 'setChatEnabled', payload: { enabled } })}
        />
      )}
      {can(role, 'room.passcode') && (
        <PasscodeSetting hasPasscode={settings.hasPasscode} perform={perform} />
      )}
      {can(role, 'meeting.end') && (
        <ConfirmButton
          testId="end-meeting"
          label={t('room.endMeeting')}
          question={t('room.endMeetingQuestion')}
          class="button button--danger button--small"
          onConfirm={() => void perform({ type: 'endMeeting', payload: {} })}
        />
      )}
    </section>
  );
}
