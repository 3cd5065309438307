// Meeting keyboard shortcuts (the same keys as the big video-meeting apps, so
// people's habits carry over). The browser's own meaning of Ctrl+D (bookmark)
// and Ctrl+E (search) gives way while in a meeting.
import { useEffect, useRef } from 'preact/hooks';

export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'leave';

export interface Shortcut {
  /** For titles: what the user presses. */
  readonly label: string;
  /** For aria-keyshortcuts. */
  readonly aria: string;
}

export const shortcuts: Readonly<Record<ShortcutAction, Shortcut>> = {
  mic: { label: 'Ctrl+D', aria: 'Control+D' },
  camera: { label: 'Ctrl+E', aria: 'Control+E' },
  hand: { label: 'Ctrl+Shift+H', aria: 'Control+Shift+H' },
  leave: { label: 'Ctrl+Shift+L', aria: 'Control+Shift+L' },
};

type KeyInput = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** The action a key press asks for (Cmd stands in for Ctrl on macOS). */
export function shortcutFor(event: KeyInput): ShortcutAction | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return undefined;
  const key = event.key.toLowerCase();
  if (!event.shiftKey) {
    if (key === 'd') return 'mic';
    if (key === 'e') return 'camera';
    return undefined;
  }
  if (key === 'h') return 'hand';
  if (key === 'l') return 'leave';
  return undefined;
}

export function withShortcut(label: string, action: ShortcutAction): string {
  return `${label} (${shortcuts[action].label})`;
}

export function useShortcuts(handlers: Record<ShortcutAction, () => void>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || event.defaultPrevented) return;
      const action = shortcutFor(event);
      if (!action) return;
      event.preventDefault();
      current.current[action]();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
