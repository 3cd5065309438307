// The language switch: the default follows the browser (Russian for ru*),
// switching re-renders the visible strings at once and survives a reload.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser.js';
import { startTestServer, type TestServer } from '../harness/server.js';

describe('language switch', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

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
});
