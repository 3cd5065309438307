// The language switch: the default follows the browser (Russian for ru*),
// switching re-renders the visible strings at once and survives a reload.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinAs, openRoomPage } from '../harness/browser.js';
import { useBrowser, useTestServer } from '../harness/fixtures.js';

/**
 * Every string a user can see or hear from a screen reader: visible text,
 * and the aria-label, title and placeholder of visible elements.
 */
function visibleStrings(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const shown = (el: Element) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
    };
    const out = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent?.trim();
      const parent = walker.currentNode.parentElement;
      // A live region's lines were spoken once, in the language of that
      // moment; re-rendering them would make screen readers say them again.
      const skip = parent?.closest('script, style, option, [aria-live]');
      if (text && parent && !skip && shown(parent)) out.add(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (!shown(el)) continue;
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = el.getAttribute(name)?.trim();
        if (value) out.add(value);
      }
    }
    return [...out];
  });
}

/** Strings that are the same in both languages: names, numbers, symbols. */
const sameInBoth = (text: string, names: readonly string[]) =>
  !/\p{L}{2,}/u.test(names.reduce((rest, name) => rest.replaceAll(name, ''), text));

describe('language switch', () => {
  const server = useTestServer();
  const browser = useBrowser();

  it('starts in the browser language, switches every string and remembers the choice', async () => {
    const context = await browser.newContext({
      locale: 'ru-RU',
      permissions: ['camera', 'microphone'],
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/r/language-check`);
    const join = page.getByTestId('join');
    const lang = page.getByTestId('language-switch');
    await expect.poll(() => join.textContent()).toBe('Войти');
    expect(await lang.inputValue()).toBe('ru');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');

    // Typed text survives the switch: only the strings change.
    await page.getByTestId('display-name').fill('Анна');
    await lang.selectOption('en');
    await expect.poll(() => join.textContent()).toBe('Join');
    expect(await page.getByTestId('room-title').textContent()).toContain('language-check');
    expect(await page.getByTestId('prejoin-cam-toggle').textContent()).toMatch(/Camera/);
    expect(await page.getByTestId('display-name').inputValue()).toBe('Анна');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.reload();
    await expect.poll(() => page.getByTestId('join').textContent()).toBe('Join');
    expect(await page.getByTestId('language-switch').inputValue()).toBe('en');
    await context.close();
  });

  it('defaults to English for other browser languages; the meeting follows a switch', async () => {
    const context = await browser.newContext({
      locale: 'de-DE',
      permissions: ['camera', 'microphone'],
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/r/language-meeting`);
    await expect.poll(() => page.getByTestId('join').textContent()).toBe('Join');
    await page.getByTestId('display-name').fill('Dora');
    await page.getByTestId('join').click();
    await page.getByTestId('local-video').waitFor();
    const leave = page.getByTestId('leave');
    const english = (await leave.getAttribute('aria-label')) ?? (await leave.textContent());
    await page.getByTestId('language-switch').selectOption('ru');
    await expect
      .poll(async () => (await leave.getAttribute('aria-label')) ?? (await leave.textContent()))
      .not.toBe(english);
    // Still in the meeting: switching re-renders, it does not restart the page.
    await page.getByTestId('local-video').waitFor();
    await context.close();
  });

  it('in the meeting with both panels open, every visible string changes with the language', async () => {
    const names = ['Dora', 'Emil', 'lang-all', 'Русский', 'English'];
    const dora = await openRoomPage(browser, server.url, 'lang-all');
    const emil = await openRoomPage(browser, server.url, 'lang-all');
    const switchTo = async (page: Page, language: 'ru' | 'en') => {
      await page.getByTestId('language-switch').selectOption(language);
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
    };
    await switchTo(dora, 'en');
    const joinScreen = await visibleStrings(dora);
    await switchTo(dora, 'ru');
    const joinScreenRu = await visibleStrings(dora);

    await joinAs(dora, 'Dora');
    await dora.getByTestId('local-video').waitFor();
    await joinAs(emil, 'Emil');
    await dora.locator('[data-testid="tile"][data-peer-name="Emil"]').waitFor();
    const inBoth = async () => {
      const ru = await visibleStrings(dora);
      await switchTo(dora, 'en');
      const en = await visibleStrings(dora);
      await switchTo(dora, 'ru');
      return [en, ru] as const;
    };
    await dora.getByTestId('chat-toggle').click();
    await dora.getByTestId('chat').waitFor();
    await dora.getByTestId('reactions').click();
    await dora.getByTestId('reactions-menu').waitFor();
    const withChat = await inBoth();
    await dora.getByTestId('participants-toggle').click();
    await dora.getByTestId('participants').waitFor();
    const withParticipants = await inBoth();

    for (const [en, ru] of [[joinScreen, joinScreenRu], withChat, withParticipants] as const) {
      expect(en.length).toBeGreaterThan(5);
      // English shows no Russian words, and no Russian string is left unchanged.
      expect(
        en.filter((text) => /\p{Script=Cyrillic}/u.test(text) && !sameInBoth(text, names)),
      ).toEqual([]);
      expect(ru.filter((text) => en.includes(text) && !sameInBoth(text, names))).toEqual([]);
    }
    await dora.context().close();
    await emil.context().close();
  });
});
