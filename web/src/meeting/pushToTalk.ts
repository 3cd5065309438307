// Hold Space to talk while muted (as in the big meeting apps): the microphone
// is on while the key is down and off again when it comes up, or when the
// window loses focus mid-press. Space keeps its usual meaning wherever it has
// one: typing in a field, pressing a focused button, a select or a link.
import { useEffect, useRef } from 'preact/hooks';

/** The element a key press went to, as far as this decision needs it. */
export interface KeyTarget {
  readonly tagName?: string;
  readonly isContentEditable?: boolean;
  getAttribute?(name: string): string | null;
}

const OWN_SPACE = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A', 'SUMMARY', 'OPTION']);
const OWN_SPACE_ROLES = new Set([
  'button',
  'checkbox',
  'link',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'radio',
  'switch',
  'tab',
  'textbox',
]);

/** Space on this target means something already (so it is not push-to-talk). */
export function spaceIsTaken(target: KeyTarget | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  if (target.tagName && OWN_SPACE.has(target.tagName.toUpperCase())) return true;
  const role = target.getAttribute?.('role');
  return role ? OWN_SPACE_ROLES.has(role) : false;
}

type KeyInput = Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** A bare Space press (no modifiers). */
export const isBareSpace = (event: KeyInput): boolean =>
  event.code === 'Space' && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;

export interface PushToTalkOptions {
  /** Our microphone is off (by us or a host) and can be turned on. */
  muted(): boolean;
  setMic(enabled: boolean): void;
}

export function usePushToTalk(options: PushToTalkOptions): void {
  const current = useRef(options);
  current.current = options;
  useEffect(() => {
    let held = false;
    const release = () => {
      if (!held) return;
      held = false;
      current.current.setMic(false);
    };
    const onDown = (event: KeyboardEvent) => {
      if (!isBareSpace(event) || event.defaultPrevented) return;
      if (spaceIsTaken(event.target as KeyTarget | null)) return;
      event.preventDefault(); // no page scroll while held
      if (event.repeat || held || !current.current.muted()) return;
      held = true;
      current.current.setMic(true);
    };
    const onUp = (event: KeyboardEvent) => {
      if (event.code === 'Space') release();
    };
    addEventListener('keydown', onDown);
    addEventListener('keyup', onUp);
    addEventListener('blur', release);
    return () => {
      removeEventListener('keydown', onDown);
      removeEventListener('keyup', onUp);
      removeEventListener('blur', release);
      release();
    };
  }, []);
}
