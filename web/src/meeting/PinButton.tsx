// Pins a participant: they stay large whoever speaks.
import { t } from '../i18n/index.js';
import { PinIcon } from './icons.js';

export function PinButton({ pinned, onPin }: { pinned: boolean; onPin(pinned: boolean): void }) {
  const label = t(pinned ? 'meeting.unpin' : 'meeting.pin');
  return (
    <button
      type="button"
      class={`tile__pin ${pinned ? 'tile__pin--on' : ''}`}
      data-testid="pin"
      aria-pressed={pinned ? 'true' : 'false'}
      aria-label={label}
      title={label}
      onClick={() => onPin(!pinned)}
    >
      <PinIcon />
    </button>
  );
}
