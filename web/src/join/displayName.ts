// The server's display-name rule (signaling/protocol/limits.ts), without zod
// so the meeting page does not carry it; the server validates anyway.
import { isDisplayName } from '../../../signaling/protocol/limits.js';

export function parseDisplayName(input: string): string | undefined {
  return isDisplayName(input) ? input.trim() : undefined;
}
