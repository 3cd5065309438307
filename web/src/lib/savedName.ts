// The display name last used on this browser.
const KEY = 'veche.displayName';

export function loadName(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(KEY, name);
  } catch {
    // Storage disabled: the name is just not remembered.
  }
}
