// The messages socket.io itself refuses, cutting the connection instead of
// passing them on: a frame past its size limit (maxHttpBufferSize), and a
// binary packet nested deeper than its parser's reconstruction recurses.
// Such a cut is socket.io's documented answer, not a finding.
import type { RawArgument } from './rawSocket.js';

/** The deepest nesting of brackets in JSON text (strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, (depth += 1));
    else if (c === ']' || c === '}') depth -= 1;
  }
  return deepest;
}

/** Why socket.io cuts a connection that sends these arguments, given its frame limit. */
export const refusedBySocketIo =
  (frameLimit: number) =>
  (args: RawArgument[]): string | undefined => {
    const size = args.reduce(
      (n, a) => n + Buffer.byteLength(a.text) + a.attachments.reduce((m, b) => m + b.length, 0),
      0,
    );
    if (size + 64 > frameLimit) return 'frame limit';
    const binary = args.some((a) => a.attachments.length > 0);
    if (binary && args.some((a) => nestingDepth(a.text) >= 1000))
      return 'binary packet too deep for the parser';
    return undefined;
  };
