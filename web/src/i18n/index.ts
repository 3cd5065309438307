// The interface language as a small store: Russian for ru* browsers, English
// otherwise, or what the user picked (remembered in localStorage). t() keeps
// its plain call signature for every caller: it reads the active store, and
// the root re-renders the whole tree when the language changes (main.tsx).
// Dates and times go through Intl in the user's zone and the chosen locale.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { createStore, useStore, type Store } from '../lib/store.js';
import { adminEn } from './admin.en.js';
import { adminRu, type AdminKey } from './admin.ru.js';
import { bookingsEn } from './bookings.en.js';
import { bookingsRu, type BookingsKey } from './bookings.ru.js';
import { en } from './en.js';
import { ru, type MessageKey as CoreKey } from './ru.js';
import { screensEn } from './screens.en.js';
import { screensRu, type ScreensKey } from './screens.ru.js';

export type MessageKey = CoreKey | ScreensKey | BookingsKey | AdminKey;
export type Language = 'ru' | 'en';
export const languages: readonly Language[] = ['ru', 'en'];

const dictionaries: Record<Language, Record<MessageKey, string>> = {
  ru: { ...ru, ...screensRu, ...bookingsRu, ...adminRu },
  en: { ...en, ...screensEn, ...bookingsEn, ...adminEn },
};

/** Russian for ru, ru-RU, …; English for any other language. */
export function pickLanguage(browserLanguage: string | undefined): Language {
  if (!browserLanguage) return 'ru';
  return browserLanguage.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

const STORAGE_KEY = 'veche.language';

export type LanguageStore = Store<Language>;

function savedLanguage(): Language | undefined {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'ru' || saved === 'en' ? saved : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The language the user picked last on this browser, else the browser's.
 * Every change is remembered.
 */
export function createLanguageStore(
  initial: Language = savedLanguage() ??
    pickLanguage(typeof navigator === 'undefined' ? undefined : navigator.language),
): LanguageStore {
  const store = createStore<Language>(initial);
  store.subscribe((next) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or storage off: the choice lasts for this page only.
    }
  });
  return store;
}

let active: LanguageStore = createStore<Language>(
  pickLanguage(typeof navigator === 'undefined' ? undefined : navigator.language),
);

/**
 * The current language. A live binding: it follows the active store, but a
 * value captured at module load (e.g. an Intl formatter built then) does not.
 */
export let language: Language = active.get();
let unfollow = active.subscribe((next) => (language = next));

/** Makes `store` the one t() and `language` read (once, from main.tsx). */
export function activateLanguageStore(store: LanguageStore): void {
  unfollow();
  active = store;
  language = store.get();
  unfollow = store.subscribe((next) => (language = next));
}

export const LanguageContext = createContext<LanguageStore | undefined>(undefined);

/** The language store from context (or the active one) and its current value. */
export function useLanguage(): { language: Language; store: LanguageStore } {
  const store = useContext(LanguageContext) ?? active;
  return { language: useStore(store), store };
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[active.get()][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

const locales: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' };

/** The BCP 47 locale for Intl in the current language. */
export const locale = (): string => locales[active.get()];

/** The user's own time zone (the browser's). */
export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(date);
}

export function formatDate(date: Date, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale(), options).format(date);
}
