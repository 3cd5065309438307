// The join screen's "send everything through the relay server" setting (see
// media/relayPolicy.ts): for office networks where a direct path to the media
// server is blocked. Remembered in this browser.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { relayOnly, setRelayOnly } from '../media/relayPolicy.js';

export function RelaySwitch() {
  const [on, setOn] = useState(() => relayOnly());
  return (
    <label class="prejoin__relay">
      <input
        type="checkbox"
        data-testid="relay-only"
        checked={on}
        onChange={(event) => {
          const next = event.currentTarget.checked;
          setRelayOnly(next);
          setOn(next);
        }}
      />
      <span>
        {t('prejoin.relayOnly')}
        <small class="prejoin__hint">{t('prejoin.relayOnlyHint')}</small>
      </span>
    </label>
  );
}
