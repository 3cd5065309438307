// Raise or lower our hand.
import { t } from '../i18n/index.js';
import { ControlToggle } from '../meeting/ControlToggle.js';
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
    <ControlToggle
      testId="hand-toggle"
      pressed={raised}
      label={label}
      keyshortcuts={shortcuts.hand.aria}
      title={withShortcut(label, 'hand')}
      onClick={() => onToggle(!raised)}
    >
      <HandIcon />
    </ControlToggle>
  );
}
