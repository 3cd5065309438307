// Create or edit a booking (once or recurring), cancel it, download its ICS,
// copy its invite link. A 409 names the booking in the way, right here.
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, t, userTimeZone } from '../i18n/index.js';
import { ApiFailure, type BookingsApi, type BookingView, type RoomView } from './api.js';
import { fromLocalInput, toLocalInput } from './calendar.js';
import { fromRule, toRule, type Repeat } from './recurrence.js';
import { RepeatPicker } from './RepeatPicker.js';

export type EditorTarget =
  | { readonly kind: 'new'; readonly start: Date; readonly end: Date; readonly room?: string }
  | { readonly kind: 'edit'; readonly booking: BookingView };

export interface BookingEditorProps {
  api: BookingsApi;
  rooms: readonly RoomView[];
  target: EditorTarget;
  /** Something changed on the server: reload the week. */
  onChanged(booking: BookingView | undefined): void;
  onClose(): void;
}

const when = (start: string, end: string) =>
  `${formatDate(new Date(start), { dateStyle: 'medium', timeStyle: 'short' })} – ${formatDate(
    new Date(end),
    { timeStyle: 'short' },
  )}`;

function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure && error.code === 'CONFLICT') {
    const first = error.conflicts[0];
    if (first) {
      return t('bookings.conflict', {
        title: first.booking.title,
        when: when(first.booking.start, first.booking.end),
      });
    }
  }
  return t('bookings.failed', { message: error instanceof Error ? error.message : String(error) });
}

export function inviteLink(slug: string): string {
  return `${location.origin}/r/${encodeURIComponent(slug)}`;
}

/** Saves a blob under a file name through a temporary object URL. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BookingEditor({ api, rooms, target, onChanged, onClose }: BookingEditorProps) {
  const existing = target.kind === 'edit' ? target.booking : undefined;
  const [title, setTitle] = useState(existing?.title ?? '');
  const [room, setRoom] = useState(
    existing?.room ?? (target.kind === 'new' ? target.room : undefined) ?? rooms[0]?.slug ?? '',
  );
  const [start, setStart] = useState(
    toLocalInput(
      existing ? new Date(existing.start) : target.kind === 'new' ? target.start : new Date(),
    ),
  );
  const [end, setEnd] = useState(
    toLocalInput(
      existing ? new Date(existing.end) : target.kind === 'new' ? target.end : new Date(),
    ),
  );
  const [repeat, setRepeat] = useState<Repeat>(fromRule(existing?.recurrence?.rule));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => titleRef.current?.focus(), []);

  async function save() {
    const startAt = fromLocalInput(start);
    const endAt = fromLocalInput(end);
    if (!startAt || !endAt || endAt <= startAt) {
      setError(t('bookings.invalidTime'));
      return;
    }
    const rule = toRule(repeat);
    if (rule === undefined) {
      setError(t('bookings.failed', { message: t('bookings.repeatUntil') }));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const common = {
        title: title.trim(),
        start: startAt.toISOString(),
        end: endAt.toISOString(),
        timeZone: userTimeZone(),
        recurrence: rule === null ? null : { rule },
      };
      const saved = existing
        ? await api.update(existing.id, common)
        : await api.create({ ...common, room });
      onChanged(saved);
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  async function cancelBooking() {
    if (!existing) return;
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.cancel(existing.id));
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  async function downloadIcs() {
    if (!existing) return;
    try {
      saveBlob(await api.ics(existing.id), `${existing.room}-${existing.id.slice(0, 8)}.ics`);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }

  async function copyLink() {
    const link = inviteLink(existing?.room ?? room);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard permission: show the link to copy by hand.
      setError(link);
    }
  }

  const headingId = 'booking-editor-heading';

  return (
    <section class="booking-editor" aria-labelledby={headingId} data-testid="booking-editor">
      <form
        class="booking-editor__form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void save();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
        }}
      >
        <h2 id={headingId} class="booking-editor__heading">
          {existing ? t('bookings.edit') : t('bookings.new')}
        </h2>
        <label class="field">
          <span class="field__label">{t('bookings.titleLabel')}</span>
          <input
            ref={titleRef}
            class="input"
            data-testid="booking-title"
            value={title}
            required
            maxLength={200}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('bookings.room')}</span>
          <select
            class="input"
            data-testid="booking-room"
            value={room}
            disabled={existing !== undefined}
            onChange={(e) => setRoom(e.currentTarget.value)}
          >
            {rooms.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <div class="booking-editor__row">
          <label class="field">
            <span class="field__label">{t('bookings.start')}</span>
            <input
              class="input"
              type="datetime-local"
              data-testid="booking-start"
              value={start}
              required
              onInput={(e) => setStart(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('bookings.end')}</span>
            <input
              class="input"
              type="datetime-local"
              data-testid="booking-end"
              value={end}
              required
              onInput={(e) => setEnd(e.currentTarget.value)}
            />
          </label>
        </div>
        <p class="card__hint">{t('bookings.timeZone', { zone: userTimeZone() })}</p>
        <RepeatPicker repeat={repeat} onChange={setRepeat} />
        {error && (
          <p class="booking-editor__error" role="alert" data-testid="booking-error">
            {error}
          </p>
        )}
        {copied && (
          <p class="card__hint" role="status">
            {t('bookings.copied')}
          </p>
        )}
        <div class="card__actions">
          <button
            class="button button--primary"
            type="submit"
            data-testid="booking-save"
            disabled={busy}
          >
            {busy ? t('bookings.saving') : t('bookings.save')}
          </button>
          {existing && existing.status !== 'cancelled' && (
            <button
              class="button button--danger"
              type="button"
              data-testid="booking-cancel"
              disabled={busy}
              onClick={() => void cancelBooking()}
            >
              {t('bookings.cancelBooking')}
            </button>
          )}
          {existing && (
            <button
              class="button"
              type="button"
              data-testid="booking-ics"
              onClick={() => void downloadIcs()}
            >
              {t('bookings.ics')}
            </button>
          )}
          <button
            class="button"
            type="button"
            data-testid="booking-copy-link"
            onClick={() => void copyLink()}
          >
            {t('bookings.copyLink')}
          </button>
          <button class="button" type="button" data-testid="booking-close" onClick={onClose}>
            {t('bookings.close')}
          </button>
        </div>
      </form>
    </section>
  );
}
