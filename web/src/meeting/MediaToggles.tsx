// Buttons for the screen share, the layout (grid or active speaker) and audio
// only, and the picker for how many tiles a grid page holds.
import { t } from '../i18n/index.js';
import type { ScreenState } from '../media/session.js';
import { ControlToggle } from './ControlToggle.js';
import { EyeIcon, EyeOffIcon, LayoutIcon, ScreenIcon } from './icons.js';
import { PAGE_SIZE_CHOICES, type LayoutMode } from './layout.js';

export function ScreenToggle({
  state,
  onToggle,
}: {
  state: ScreenState;
  onToggle(on: boolean): void;
}) {
  const on = state === 'on';
  const label = t(on ? 'controls.screenStop' : 'controls.screenStart');
  return (
    <ControlToggle
      testId="screen-toggle"
      pressed={on}
      label={label}
      disabled={state === 'starting'}
      onClick={() => onToggle(!on)}
    >
      <ScreenIcon />
    </ControlToggle>
  );
}

export function LayoutToggle({ mode, onToggle }: { mode: LayoutMode; onToggle(): void }) {
  const speaker = mode === 'speaker';
  const label = t(speaker ? 'controls.layoutGrid' : 'controls.layoutSpeaker');
  return (
    <ControlToggle
      testId="layout-toggle"
      data={{ 'data-layout': mode }}
      pressed={speaker}
      label={label}
      onClick={onToggle}
    >
      <LayoutIcon />
    </ControlToggle>
  );
}

export function PageSizeSelect({ size, onSelect }: { size: number; onSelect(size: number): void }) {
  // A size stored by hand (veche.pageSize) that the picker does not offer still shows.
  const choices = PAGE_SIZE_CHOICES.includes(size)
    ? PAGE_SIZE_CHOICES
    : [...PAGE_SIZE_CHOICES, size].sort((a, b) => a - b);
  const label = t('controls.pageSize');
  return (
    <select
      class="device-select page-size"
      data-testid="page-size"
      aria-label={label}
      title={label}
      value={String(size)}
      onChange={(event) => onSelect(Number(event.currentTarget.value))}
    >
      {choices.map((n) => (
        <option key={n} value={String(n)}>
          {t('controls.pageSizeOption', { count: n })}
        </option>
      ))}
    </select>
  );
}

/** Audio only: stops everyone's camera coming in (a weak link); screen shares still do. */
export function IncomingVideoToggle({ on, onToggle }: { on: boolean; onToggle(): void }) {
  const label = t(on ? 'controls.incomingVideoOff' : 'controls.incomingVideoOn');
  return (
    <ControlToggle testId="incoming-video-toggle" pressed={!on} label={label} onClick={onToggle}>
      {on ? <EyeIcon /> : <EyeOffIcon />}
    </ControlToggle>
  );
}
