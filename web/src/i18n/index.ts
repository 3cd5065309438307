// Picks the language once from the browser (Russian for ru*, English
// otherwise) and translates keys, filling {placeholders}.
import { en } from './en.js';
import { ru, type MessageKey } from './ru.js';

export type { MessageKey } from './ru.js';
export type Language = 'ru' | 'en';

const dictionaries: Record<Language, Record<MessageKey, string>> = { ru, en };

/** Russian for ru, ru-RU, …; English for any other language. */
export function pickLanguage(browserLanguage: string | undefined): Language {
  if (!browserLanguage) return 'ru';
  return browserLanguage.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export const language: Language = pickLanguage(
  typeof navigator === 'undefined' ? undefined : navigator.language,
);

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[language][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}
