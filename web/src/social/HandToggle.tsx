// Raise or lower our hand.
import { t } from '../i18n/index.js';
import { HandIcon } from '../meeting/icons.js';
import { shortcuts, withShortcut } from '../meeting/shortcuts.js';

export function HandToggle({
  raised,
  onToggle,
}: {
  raised: boolean;
  onToggle(raise: boolean): void;
}) {
  const label = t(raised ? 'hand.lower' : 'hand.raise');
  return (
    <button
      type="button"
      class={`control ${raised ? 'control--active' : ''}`}
      data-testid="hand-toggle"
      aria-pressed={raised ? 'true' : 'false'}
      aria-label={label}
      aria-keyshortcuts={shortcuts.hand.aria}
      title={withShortcut(label, 'hand')}
      onClick={() => onToggle(!raised)}
    >
      <HandIcon />
    </button>
  );
}
