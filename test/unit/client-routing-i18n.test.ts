// Which screen an address opens, and the interface language: Russian for
// Russian browsers, English otherwise, with every string in both.
import { describe, expect, it } from 'vitest';
import { adminEn } from '../../web/src/i18n/admin.en.js';
import { adminRu } from '../../web/src/i18n/admin.ru.js';
import { bookingsEn } from '../../web/src/i18n/bookings.en.js';
import { bookingsRu } from '../../web/src/i18n/bookings.ru.js';
import { en } from '../../web/src/i18n/en.js';
import { pickLanguage } from '../../web/src/i18n/index.js';
import { ru } from '../../web/src/i18n/ru.js';
import { screensEn } from '../../web/src/i18n/screens.en.js';
import { screensRu } from '../../web/src/i18n/screens.ru.js';
import { parseRoute, roomPath } from '../../web/src/routing.js';

describe('routes', () => {
  it('a room link opens that room, Cyrillic names included', () => {
    expect(parseRoute('/r/daily')).toEqual({ kind: 'room', room: 'daily' });
    expect(parseRoute(roomPath('Совещание-1'))).toEqual({ kind: 'room', room: 'Совещание-1' });
    expect(parseRoute('/r/daily/')).toEqual({ kind: 'room', room: 'daily' });
  });

  it('a room name with spaces, slashes or broken escapes shows the room error', () => {
    expect(parseRoute('/r/a%20b')).toEqual({ kind: 'invalidRoom' });
    expect(parseRoute('/r/a/b')).toEqual({ kind: 'invalidRoom' });
    expect(parseRoute('/r/%E0%A4%A')).toEqual({ kind: 'invalidRoom' });
    expect(parseRoute('/r/')).toEqual({ kind: 'invalidRoom' });
    expect(parseRoute(`/r/${'x'.repeat(65)}`)).toEqual({ kind: 'invalidRoom' });
  });

  it('the calendar and the dashboard have their own pages', () => {
    expect(parseRoute('/bookings')).toEqual({ kind: 'bookings' });
    expect(parseRoute('/bookings/')).toEqual({ kind: 'bookings' });
    expect(parseRoute('/bookings.html')).toEqual({ kind: 'bookings' });
    expect(parseRoute('/admin')).toEqual({ kind: 'admin' });
  });

  it('anything else is the start page', () => {
    expect(parseRoute('/')).toEqual({ kind: 'home' });
    expect(parseRoute('/unknown')).toEqual({ kind: 'home' });
  });

  it('room links escape what a URL cannot carry', () => {
    expect(roomPath('Совет')).toBe('/r/%D0%A1%D0%BE%D0%B2%D0%B5%D1%82');
  });
});

describe('language', () => {
  it('Russian browsers get Russian, any other language English', () => {
    expect(pickLanguage('ru')).toBe('ru');
    expect(pickLanguage('ru-RU')).toBe('ru');
    expect(pickLanguage('RU-ru')).toBe('ru');
    expect(pickLanguage('en-US')).toBe('en');
    expect(pickLanguage('de')).toBe('en');
    expect(pickLanguage('uk-UA')).toBe('en');
  });

  it('without a browser language the interface is Russian', () => {
    expect(pickLanguage(undefined)).toBe('ru');
    expect(pickLanguage('')).toBe('ru');
  });

  const pairs = {
    core: [ru, en],
    screens: [screensRu, screensEn],
    bookings: [bookingsRu, bookingsEn],
    admin: [adminRu, adminEn],
  } as const;

  for (const [name, [russian, english]] of Object.entries(pairs)) {
    it(`every ${name} string exists in both Russian and English, none empty`, () => {
      expect(Object.keys(english).sort()).toEqual(Object.keys(russian).sort());
      for (const dictionary of [russian, english]) {
        for (const [key, value] of Object.entries(dictionary)) {
          expect(value.trim(), key).not.toBe('');
        }
      }
    });

    it(`${name} strings use the same {placeholders} in both languages`, () => {
      const placeholders = (text: string) =>
        [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [key, value] of Object.entries(russian)) {
        const other = (english as Record<string, string>)[key] ?? '';
        expect(placeholders(other), key).toEqual(placeholders(value));
      }
    });
  }
});
