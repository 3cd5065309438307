// Meeting keyboard shortcuts: the keys people know from other meeting apps.
import { describe, expect, it } from 'vitest';
import { isBareSpace, spaceIsTaken } from '../../web/src/meeting/pushToTalk.js';
import { shortcutFor, shortcuts, withShortcut } from '../../web/src/meeting/shortcuts.js';

const press = (
  key: string,
  mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {},
) =>
  shortcutFor({
    key,
    ctrlKey: mods.ctrl ?? false,
    metaKey: mods.meta ?? false,
    shiftKey: mods.shift ?? false,
    altKey: mods.alt ?? false,
  });

describe('meeting shortcuts', () => {
  it('Ctrl+D toggles the microphone and Ctrl+E the camera', () => {
    expect(press('d', { ctrl: true })).toBe('mic');
    expect(press('e', { ctrl: true })).toBe('camera');
  });

  it('Ctrl+Shift+H raises the hand and Ctrl+Shift+L leaves (Shift gives capitals)', () => {
    expect(press('H', { ctrl: true, shift: true })).toBe('hand');
    expect(press('L', { ctrl: true, shift: true })).toBe('leave');
  });

  it('Cmd works like Ctrl on macOS', () => {
    expect(press('d', { meta: true })).toBe('mic');
    expect(press('H', { meta: true, shift: true })).toBe('hand');
  });

  it('plain typing, Alt combinations and other keys do nothing', () => {
    expect(press('d')).toBeUndefined();
    expect(press('h', { shift: true })).toBeUndefined();
    expect(press('d', { ctrl: true, alt: true })).toBeUndefined();
    expect(press('d', { ctrl: true, shift: true })).toBeUndefined();
    expect(press('h', { ctrl: true })).toBeUndefined();
    expect(press('c', { ctrl: true })).toBeUndefined();
  });

  it('button titles name the shortcut', () => {
    expect(withShortcut('Microphone', 'mic')).toBe('Microphone (Ctrl+D)');
    expect(withShortcut('Leave', 'leave')).toBe('Leave (Ctrl+Shift+L)');
    expect(shortcuts.hand.aria).toBe('Control+Shift+H');
  });
});

describe('hold Space to talk', () => {
  const el = (tagName: string, role?: string, isContentEditable = false) => ({
    tagName,
    isContentEditable,
    getAttribute: (name: string) => (name === 'role' ? (role ?? null) : null),
  });
  const key = (over: Partial<KeyboardEvent> = {}) => ({
    code: 'Space',
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...over,
  });

  it('works on the page itself, not where Space already means something', () => {
    expect(spaceIsTaken(el('BODY'))).toBe(false);
    expect(spaceIsTaken(el('DIV'))).toBe(false);
    expect(spaceIsTaken(null)).toBe(false);
    for (const tag of ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A']) {
      expect(spaceIsTaken(el(tag))).toBe(true);
    }
    expect(spaceIsTaken(el('DIV', 'menuitem'))).toBe(true);
    expect(spaceIsTaken(el('DIV', undefined, true))).toBe(true);
  });

  it('only a bare Space counts', () => {
    expect(isBareSpace(key())).toBe(true);
    expect(isBareSpace(key({ code: 'KeyD' }))).toBe(false);
    expect(isBareSpace(key({ ctrlKey: true }))).toBe(false);
    expect(isBareSpace(key({ shiftKey: true }))).toBe(false);
  });
});
