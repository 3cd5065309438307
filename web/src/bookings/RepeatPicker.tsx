// The repeat picker: once, daily, weekly or monthly, ending after a number
// of meetings or on a date (the server refuses endless series).
import { t } from '../i18n/index.js';
import type { Frequency, Repeat } from './recurrence.js';

export function RepeatPicker({
  repeat,
  onChange,
}: {
  repeat: Repeat;
  onChange(next: Repeat): void;
}) {
  const update = (patch: Partial<Repeat>) => onChange({ ...repeat, ...patch });
  return (
    <div class="booking-editor__row">
      <label class="field">
        <span class="field__label">{t('bookings.repeat')}</span>
        <select
          class="input"
          data-testid="booking-repeat"
          value={repeat.frequency}
          onChange={(e) => update({ frequency: e.currentTarget.value as Frequency })}
        >
          <option value="none">{t('bookings.repeatNone')}</option>
          <option value="daily">{t('bookings.repeatDaily')}</option>
          <option value="weekly">{t('bookings.repeatWeekly')}</option>
          <option value="monthly">{t('bookings.repeatMonthly')}</option>
        </select>
      </label>
      {repeat.frequency !== 'none' && (
        <fieldset class="booking-editor__ends">
          <legend class="field__label">{t('bookings.repeatEnds')}</legend>
          <label class="booking-editor__end">
            <input
              type="radio"
              name="ends"
              data-testid="booking-ends-count"
              checked={repeat.ends === 'count'}
              onChange={() => update({ ends: 'count' })}
            />
            <span>{t('bookings.repeatCount')}</span>
            <input
              class="input input--small"
              type="number"
              min={1}
              max={500}
              data-testid="booking-repeat-count"
              aria-label={t('bookings.repeatCount')}
              value={repeat.count}
              disabled={repeat.ends !== 'count'}
              onInput={(e) => update({ count: Number(e.currentTarget.value) })}
            />
          </label>
          <label class="booking-editor__end">
            <input
              type="radio"
              name="ends"
              data-testid="booking-ends-until"
              checked={repeat.ends === 'until'}
              onChange={() => update({ ends: 'until' })}
            />
            <span>{t('bookings.repeatUntil')}</span>
            <input
              class="input input--small"
              type="date"
              data-testid="booking-repeat-until"
              aria-label={t('bookings.repeatUntil')}
              value={repeat.until}
              disabled={repeat.ends !== 'until'}
              onInput={(e) => update({ until: e.currentTarget.value })}
            />
          </label>
        </fieldset>
      )}
    </div>
  );
}
