// Text that renders as nothing: names, passcodes and chat messages made only of
// combining marks, zero-width or blank characters are refused on the wire and
// in the client's own checks; what is accepted is stored in NFC.
import { describe, expect, it } from 'vitest';
import { isChatText, isDisplayName, isPasscode } from '../../signaling/protocol/limits.js';
import { requests } from '../../signaling/protocol/requests.js';
import { isVisibleText, normalizeText } from '../../signaling/protocol/text.js';

const join = (displayName: string, passcode?: string) =>
  requests.join.request.safeParse({
    room: 'r1',
    displayName,
    protocolVersion: '2.2',
    ...(passcode === undefined ? {} : { passcode }),
  });
const setPasscode = (passcode: string) => requests.setPasscode.request.safeParse({ passcode });
const sendChat = (text: string) => requests.sendChat.request.safeParse({ text });
const invite = (name: string) => requests.createInvite.request.safeParse({ name, ttlMinutes: 60 });

const invisible = {
  'combining marks only': '\u0301\u0308\u0301',
  'zero-width spaces': '\u200B\u200B\u200B\u200B',
  'zero-width joiners and a BOM': '\u200D\u200C\uFEFF\u2060',
  'Hangul fillers': '\u3164\u3164\u115F\u1160',
  'braille blanks': '\u2800\u2800\u2800\u2800',
  'tag characters': '\u{E0041}\u{E0042}\u{E0043}\u{E0044}',
  'variation selectors and a soft hyphen': '\uFE0F\uFE0E\u00AD\u034F',
};

describe('text that renders as nothing', () => {
  for (const [what, text] of Object.entries(invisible)) {
    it(`refuses ${what} as a display name, an invite name, a passcode and a chat message`, () => {
      expect(isVisibleText(text)).toBe(false);
      expect(join(text).success).toBe(false);
      expect(invite(text).success).toBe(false);
      expect(setPasscode(text).success).toBe(false);
      expect(sendChat(text).success).toBe(false);
      expect(isDisplayName(text)).toBe(false);
      expect(isPasscode(text)).toBe(false);
      expect(isChatText(text)).toBe(false);
    });
  }

  it('accepts real text with marks, emoji and other scripts', () => {
    for (const text of ['Ёлка', 'José', 'e\u0301', '👍🏽', '李雷']) {
      expect(isVisibleText(text), text).toBe(true);
      expect(join(text).success, text).toBe(true);
      expect(sendChat(text).success, text).toBe(true);
    }
    expect(setPasscode('пароль1').success).toBe(true);
  });

  it('stores names, passcodes and messages in NFC, so the same text typed anywhere is equal', () => {
    const decomposed = 'Jose\u0301 Ё'.normalize('NFD');
    const parsed = join(decomposed, 'cafe\u0301');
    expect(parsed.success && parsed.data.displayName).toBe('José Ё'.normalize('NFC'));
    expect(parsed.success && parsed.data.passcode).toBe('café');
    const code = setPasscode('cafe\u0301');
    expect(code.success && code.data.passcode).toBe('café');
    const chat = sendChat('  e\u0301  ');
    expect(chat.success && chat.data.text).toBe('é');
    expect(normalizeText('  A\u030A ')).toBe('Å');
  });
});
