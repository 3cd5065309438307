// What sits on a tile besides the video: a raised hand with its place in the
// queue, and the latest reaction for a few seconds.
import type { Reaction } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import { HandIcon } from '../meeting/icons.js';
import { EMOJI } from './reactions.js';
import './social.css';

export function HandBadge({ position }: { position: number }) {
  const label = t('hand.raisedAt', { position });
  return (
    <span class="hand-badge" data-testid="hand-raised" role="img" aria-label={label} title={label}>
      <HandIcon />
      {position}
    </span>
  );
}

export function ReactionOverlay({ reaction }: { reaction: Reaction }) {
  return (
    <span
      class="reaction-overlay"
      data-testid="reaction-overlay"
      data-reaction={reaction}
      role="img"
      aria-label={t(`reaction.${reaction}`)}
    >
      {EMOJI[reaction]}
    </span>
  );
}
