// Secrets generated at first start and kept in DATA_DIR (mode 0600). Nothing
// secret is hard-coded. An operator may supply any of them instead
// (JWT_SECRET, INVITE_SECRET, RESUME_SECRET): nodes of one deployment share
// them that way rather than by sharing a folder.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createOnce } from '../core/createOnce.js';

const fileSchema = z.object({
  version: z.literal(1),
  jwtSecret: z.string().min(43),
  inviteSecret: z.string().min(43),
  resumeSecret: z.string().min(43),
});

export interface Secrets {
  /** HS256 key for staff tokens in embedded mode (and the dev token command). */
  jwtSecret: Uint8Array;
  /** Signs guest invite links. */
  inviteSecret: Uint8Array;
  /** Signs reconnect (resume) tokens. */
  resumeSecret: Uint8Array;
}

const decode = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

async function readSecrets(file: string): Promise<z.infer<typeof fileSchema> | undefined> {
  try {
    return fileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Secrets the operator gave (32+ characters each, checked by the configuration). */
export interface GivenSecrets {
  jwtSecret?: string | undefined;
  inviteSecret?: string | undefined;
  resumeSecret?: string | undefined;
}

const given = (secret: string | undefined) =>
  secret === undefined ? undefined : new TextEncoder().encode(secret);

/** The operator's secrets where given, the ones generated in `dataDir` otherwise. */
export async function loadOrCreateSecrets(
  dataDir: string,
  operator: GivenSecrets = {},
): Promise<Secrets> {
  const file = join(dataDir, 'secrets.json');
  let stored = await readSecrets(file);
  if (!stored) {
    const fresh = {
      version: 1 as const,
      jwtSecret: randomBytes(32).toString('base64url'),
      inviteSecret: randomBytes(32).toString('base64url'),
      resumeSecret: randomBytes(32).toString('base64url'),
    };
    await createOnce(file, JSON.stringify(fresh, null, 2));
    stored = await readSecrets(file);
    if (!stored) throw new Error(`cannot create ${file}`);
  }
  return {
    jwtSecret: given(operator.jwtSecret) ?? decode(stored.jwtSecret),
    inviteSecret: given(operator.inviteSecret) ?? decode(stored.inviteSecret),
    resumeSecret: given(operator.resumeSecret) ?? decode(stored.resumeSecret),
  };
}
