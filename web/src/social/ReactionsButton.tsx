// A button that opens the six reactions; picking one sends it and closes.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Reaction } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import { SmileIcon } from '../meeting/icons.js';
import { REACTIONS } from '../../../signaling/protocol/limits.js';
import { EMOJI } from './reactions.js';
import './social.css';

export function ReactionsButton({ onReact }: { onReact(reaction: Reaction): void }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  // A click elsewhere or Escape closes the picker.
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    addEventListener('pointerdown', onPointer, true);
    addEventListener('keydown', onKey);
    return () => {
      removeEventListener('pointerdown', onPointer, true);
      removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div class="reactions" ref={box}>
      {open && (
        <div class="reactions__menu" data-testid="reactions-menu" role="menu">
          {REACTIONS.map((reaction) => (
            <button
              key={reaction}
              type="button"
              class="reactions__item"
              role="menuitem"
              data-testid={`reaction-${reaction}`}
              aria-label={t(`reaction.${reaction}`)}
              title={t(`reaction.${reaction}`)}
              onClick={() => {
                setOpen(false);
                onReact(reaction);
              }}
            >
              {EMOJI[reaction]}
            </button>
          ))}
        </div>
      )}
      <button
        type="button"
        class="control"
        data-testid="reactions"
        aria-haspopup="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-label={t('reaction.open')}
        title={t('reaction.open')}
        onClick={() => setOpen(!open)}
      >
        <SmileIcon />
      </button>
    </div>
  );
}
