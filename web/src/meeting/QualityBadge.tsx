// Signal bars for the connection quality of a participant's stream.
import { t } from '../i18n/index.js';
import type { Quality } from '../media/quality.js';

const BARS: Record<Quality, number> = { good: 3, fair: 2, poor: 1 };

export function QualityBadge({ quality }: { quality: Quality }) {
  const label = t(`meeting.quality.${quality}`);
  return (
    <span
      class={`tile__quality tile__quality--${quality}`}
      data-testid="quality"
      role="img"
      aria-label={label}
      title={label}
    >
      {[1, 2, 3].map((bar) => (
        <span
          key={bar}
          class={`tile__quality-bar${bar <= BARS[quality] ? ' tile__quality-bar--on' : ''}`}
          style={`height: ${bar * 4}px`}
        />
      ))}
    </span>
  );
}
