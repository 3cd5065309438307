// A screen share that does not start says why: the user cancelled the picker
// (nothing to say), the browser or system does not allow it, the browser
// cannot share at all, or capture failed — in the user's language.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createScreenShare,
  screenShareFailure,
  ScreenShareError,
} from '../../web/src/media/screenShare.js';
import type { SignalingClient } from '../../web/src/signaling/client.js';
import { activateLanguageStore, createLanguageStore } from '../../web/src/i18n/index.js';

const refusal = (message: string, name: string) => new DOMException(message, name);

/** Starts a share whose getDisplayMedia does `display`; resolves with what onError got. */
async function attempt(display: (() => Promise<MediaStream>) | undefined) {
  vi.stubGlobal('navigator', { mediaDevices: display ? { getDisplayMedia: display } : {} });
  const errors: unknown[] = [];
  const share = createScreenShare(
    {} as SignalingClient, // not reached: nothing is produced
    () => undefined,
    (error) => errors.push(error),
  );
  await share.start();
  expect(share.state()).toBe('off');
  return errors;
}

describe('screen share failures', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('tells the four cases apart', () => {
    expect(screenShareFailure(refusal('Permission denied', 'NotAllowedError'))).toBe('cancelled');
    expect(screenShareFailure(refusal('Permission denied by system', 'NotAllowedError'))).toBe(
      'notAllowed',
    );
    expect(
      screenShareFailure(
        refusal(
          'Access to the feature "display-capture" is disallowed by permissions policy.',
          'NotAllowedError',
        ),
      ),
    ).toBe('notAllowed');
    expect(screenShareFailure(refusal('insecure', 'SecurityError'))).toBe('notAllowed');
    expect(screenShareFailure(refusal('no', 'NotSupportedError'))).toBe('notSupported');
    expect(screenShareFailure(refusal('Could not start video source', 'NotReadableError'))).toBe(
      'failed',
    );
    expect(screenShareFailure(refusal('Aborted', 'AbortError'))).toBe('failed');
    expect(screenShareFailure(new Error('anything else'))).toBe('failed');
  });

  it('says nothing when the user cancels the picker', async () => {
    expect(
      await attempt(() => Promise.reject(refusal('Permission denied', 'NotAllowedError'))),
    ).toEqual([]);
  });

  it('reports a refusal by the system, in Russian and in English', async () => {
    const refuse = () => Promise.reject(refusal('Permission denied by system', 'NotAllowedError'));
    activateLanguageStore(createLanguageStore('ru'));
    const [ru] = await attempt(refuse);
    expect(ru).toBeInstanceOf(ScreenShareError);
    expect((ru as ScreenShareError).kind).toBe('notAllowed');
    expect((ru as Error).message).toMatch(/запрещ/i);
    activateLanguageStore(createLanguageStore('en'));
    const [en] = await attempt(refuse);
    expect((en as Error).message).toMatch(/not allowed/i);
  });

  it('reports a browser that cannot share the screen at all', async () => {
    activateLanguageStore(createLanguageStore('en'));
    const [error] = await attempt(undefined);
    expect((error as ScreenShareError).kind).toBe('notSupported');
    expect((error as Error).message).toMatch(/browser/i);
  });

  it('reports a capture that failed', async () => {
    activateLanguageStore(createLanguageStore('en'));
    const [error] = await attempt(() =>
      Promise.reject(refusal('Could not start video source', 'NotReadableError')),
    );
    expect((error as ScreenShareError).kind).toBe('failed');
  });
});
