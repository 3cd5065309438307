// An on/off room setting as a switch-like button (aria-pressed).
export interface SettingToggleProps {
  testId: string;
  label: string;
  on: boolean;
  onChange(on: boolean): void;
}

export function SettingToggle({ testId, label, on, onChange }: SettingToggleProps) {
  return (
    <button
      type="button"
      class="setting"
      data-testid={testId}
      aria-pressed={on ? 'true' : 'false'}
      onClick={() => onChange(!on)}
    >
      <span class="setting__label">{label}</span>
      <span class={`setting__switch ${on ? 'setting__switch--on' : ''}`} aria-hidden="true" />
    </button>
  );
}
