// How long the meeting has been running, in the header: 12:34, or 1:02:03
// past the hour. Ticks once a second; says nothing to screen readers on each
// tick (its label does, when they reach it).
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

/** m:ss under an hour, h:mm:ss after; negative (clock jitter) counts as zero. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

export function MeetingTimer({ since }: { since: number | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (since === undefined) return null;
  const elapsed = formatElapsed(now - since);
  return (
    <span
      class="meeting__elapsed"
      data-testid="meeting-elapsed"
      role="timer"
      aria-live="off"
      aria-label={t('meeting.elapsed', { time: elapsed })}
      title={t('meeting.elapsed', { time: elapsed })}
    >
      {elapsed}
    </span>
  );
}
