// The bottom bar: microphone, camera, whatever the meeting adds (hand,
// reactions, chat, participants), leave.
import type { ComponentChildren } from 'preact';
import { t, type MessageKey } from '../i18n/index.js';
import type { SourceState } from '../media/session.js';
import { CameraIcon, CameraOffIcon, LeaveIcon, MicIcon, MicOffIcon } from './icons.js';
import { shortcuts, withShortcut, type ShortcutAction } from './shortcuts.js';

interface ToggleProps {
  testId: string;
  state: SourceState;
  labels: { on: MessageKey; off: MessageKey; unavailable: MessageKey };
  onIcon: ComponentChildren;
  offIcon: ComponentChildren;
  shortcut: ShortcutAction;
  onToggle(enabled: boolean): void;
}

function Toggle({ testId, state, labels, onIcon, offIcon, shortcut, onToggle }: ToggleProps) {
  const on = state === 'on';
  const label = t(state === 'unavailable' ? labels.unavailable : on ? labels.on : labels.off);
  const title = state === 'unavailable' ? label : withShortcut(label, shortcut);
  return (
    <button
      type="button"
      class={`control ${on ? '' : 'control--off'}`}
      data-testid={testId}
      aria-pressed={on ? 'true' : 'false'}
      aria-label={label}
      aria-keyshortcuts={shortcuts[shortcut].aria}
      title={title}
      disabled={state === 'pending' || state === 'unavailable'}
      onClick={() => onToggle(!on)}
    >
      {on ? onIcon : offIcon}
    </button>
  );
}

export interface ControlsProps {
  mic: SourceState;
  camera: SourceState;
  onMic(enabled: boolean): void;
  onCamera(enabled: boolean): void;
  onLeave(): void;
  children?: ComponentChildren;
}

export function Controls({ mic, camera, onMic, onCamera, onLeave, children }: ControlsProps) {
  return (
    <nav class="controls" aria-label={t('controls.label')}>
      <Toggle
        testId="mic-toggle"
        state={mic}
        labels={{
          on: 'controls.micOn',
          off: 'controls.micOff',
          unavailable: 'controls.micUnavailable',
        }}
        onIcon={<MicIcon />}
        offIcon={<MicOffIcon />}
        shortcut="mic"
        onToggle={onMic}
      />
      <Toggle
        testId="cam-toggle"
        state={camera}
        labels={{
          on: 'controls.camOn',
          off: 'controls.camOff',
          unavailable: 'controls.camUnavailable',
        }}
        onIcon={<CameraIcon />}
        offIcon={<CameraOffIcon />}
        shortcut="camera"
        onToggle={onCamera}
      />
      {children}
      <button
        type="button"
        class="control control--leave"
        data-testid="leave"
        aria-label={t('controls.leave')}
        aria-keyshortcuts={shortcuts.leave.aria}
        title={withShortcut(t('controls.leave'), 'leave')}
        onClick={onLeave}
      >
        <LeaveIcon />
        <span class="control__text">{t('controls.leave')}</span>
      </button>
    </nav>
  );
}
