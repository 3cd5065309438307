// The same rule as the server's displayNameSchema (signaling/protocol/common.ts):
// trimmed, 1–64 characters, no control or format characters. Checked without
// zod so the meeting page does not carry it; the server validates anyway.
const CONTROL = /[\p{Cc}\p{Cf}]/u;

export function parseDisplayName(input: string): string | undefined {
  const name = input.trim();
  return name.length >= 1 && name.length <= 64 && !CONTROL.test(name) ? name : undefined;
}
