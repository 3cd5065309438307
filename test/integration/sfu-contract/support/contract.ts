// What the contract's cases share: a producer's minimal Opus parameters and
// the check that a call failed with a given SFU error code.
import { expect } from 'vitest';
import { SfuError } from '../../../../sfu/api/index.js';
export { opusParameters } from '../../../harness/rtp.js';

export async function expectSfuError(promise: Promise<unknown>, code: SfuError['code']) {
  await expect(promise).rejects.toSatisfy((e) => e instanceof SfuError && e.code === code);
}
