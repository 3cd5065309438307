// A control-bar button that stays pressed while its mode is on (a panel open,
// a hand up, a share running): one label for the screen reader and the
// tooltip, aria-pressed, and the highlighted look.
import type { ComponentChildren } from 'preact';

export interface ControlToggleProps {
  testId: string;
  pressed: boolean;
  label: string;
  /** The tooltip, when it says more than the label (a shortcut). */
  title?: string;
  keyshortcuts?: string;
  disabled?: boolean;
  /** Extra data-* attributes for tests and styles. */
  data?: Readonly<Record<`data-${string}`, string>>;
  onClick(): void;
  children: ComponentChildren;
}

export function ControlToggle(props: ControlToggleProps) {
  return (
    <button
      type="button"
      class={`control ${props.pressed ? 'control--active' : ''}`}
      data-testid={props.testId}
      {...props.data}
      aria-pressed={props.pressed ? 'true' : 'false'}
      aria-label={props.label}
      aria-keyshortcuts={props.keyshortcuts}
      title={props.title ?? props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
