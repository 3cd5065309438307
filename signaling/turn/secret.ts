// The TURN server's shared secret (coturn's static-auth-secret): TURN_SECRET
// from the environment (a cluster's signaling nodes and coturn share it), or
// one generated once in DATA_DIR (embedded mode, and a coturn on the same
// machine configured from that folder by `npm run turn -- config`).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOnce } from '../core/createOnce.js';

const MIN_LENGTH = 32;

export const turnSecretFile = (dataDir: string) => join(dataDir, 'turn-secret');

async function readSecretFile(file: string): Promise<string | undefined> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length < MIN_LENGTH) throw new Error(`${file} holds no usable TURN secret`);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The given secret, else the one in `dataDir` (made there on first use). */
export async function turnSecretOrCreate(
  given: string | undefined,
  dataDir: string,
): Promise<string> {
  if (given !== undefined) return given;
  const file = turnSecretFile(dataDir);
  const existing = await readSecretFile(file);
  if (existing !== undefined) return existing;
  await createOnce(file, `${randomBytes(32).toString('base64url')}\n`);
  const made = await readSecretFile(file);
  if (made === undefined) throw new Error(`cannot create ${file}`);
  return made;
}
