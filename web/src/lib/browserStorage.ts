// This browser's localStorage, or undefined where it is off (some private
// modes, sandboxed frames): remembered choices then last for the page only.
export function browserStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}
