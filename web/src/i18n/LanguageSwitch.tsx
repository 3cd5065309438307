// Русский / English: changes every visible string at once and is remembered.
import { languages, t, useLanguage, type Language } from './index.js';
import '../a11y/a11y.css';
import './language.css';

export function LanguageSwitch() {
  const { language, store } = useLanguage();
  return (
    <label class="language-switch">
      <span class="visually-hidden">{t('language.label')}</span>
      <select
        class="language-switch__select"
        data-testid="language-switch"
        value={language}
        onChange={(event) => store.set(event.currentTarget.value as Language)}
      >
        {languages.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {t(`language.${lang}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
