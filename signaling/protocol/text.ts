// Text people see: display names, passcodes, chat. Unicode lets a string
// render as nothing (only combining marks, zero-width or filler characters)
// and lets the same text arrive in two encodings (é as one code point or as
// e + U+0301). Both sides use these checks; no imports, so the web client and
// the server share them as they are.

/**
 * Characters that draw nothing on their own: white space, combining marks,
 * control and format characters (zero-width space, joiners, BOM, bidi marks,
 * tags), default-ignorable code points (Hangul fillers, variation selectors)
 * and the blank braille pattern.
 */
const DRAWS_NOTHING = String.raw`\p{White_Space}\p{M}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800`;
const VISIBLE = new RegExp(`[^${DRAWS_NOTHING}]`, 'u');

/** True when at least one character of `s` draws something. */
export const isVisibleText = (s: string): boolean => VISIBLE.test(s);

/** NFC (one encoding for one text), trimmed: what is stored and compared. */
export const normalizeText = (s: string): string => s.normalize('NFC').trim();

/** The message a schema gives for text that renders as nothing. */
export const INVISIBLE_TEXT = 'must contain a visible character';

/**
 * Adds NFC and the visibility check to a string schema (zod's, but no import:
 * this file stays free of the schema library for the client's bundle).
 */
export function visible<S extends VisibleCapable<S>>(schema: S): S {
  return schema.overwrite((s) => s.normalize('NFC')).refine(isVisibleText, INVISIBLE_TEXT);
}

interface VisibleCapable<S> {
  overwrite(fn: (s: string) => string): S;
  refine(check: (s: string) => boolean, message: string): S;
}
