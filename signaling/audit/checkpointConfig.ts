// Settings of the audit CLIs (and of the checkpoint job the server runs):
// read from the environment once, by the caller, validated here.
// AUDIT_CHECKPOINT_KEY may come from the environment; otherwise a key is
// generated once in DATA_DIR, like the other secrets — never in the database,
// whose owner the checkpoints are meant to catch.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createOnce } from '../core/createOnce.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const MIN_CHECKPOINT_KEY_LENGTH = 32;

const envSchema = z.object({
  DATABASE_URL: optionalString,
  DATA_DIR: optionalString.transform((v) => v ?? './data'),
  AUDIT_CHECKPOINT_KEY: optionalString.pipe(
    z
      .string()
      .min(
        MIN_CHECKPOINT_KEY_LENGTH,
        `AUDIT_CHECKPOINT_KEY must be at least ${MIN_CHECKPOINT_KEY_LENGTH} characters`,
      )
      .optional(),
  ),
  AUDIT_CHECKPOINT_FILE: optionalString,
});

/** The environment variables these settings are read from (deployment files are checked against them). */
export const CHECKPOINT_ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export interface CheckpointConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  /** AUDIT_CHECKPOINT_FILE, default `<DATA_DIR>/audit-checkpoints.log`. */
  file: string;
  /** From the environment; undefined means the one kept in DATA_DIR. */
  key: string | undefined;
}

/** Throws one message naming every bad setting. */
export function loadCheckpointConfig(env: Record<string, string | undefined>): CheckpointConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    file: e.AUDIT_CHECKPOINT_FILE ?? join(e.DATA_DIR, 'audit-checkpoints.log'),
    key: e.AUDIT_CHECKPOINT_KEY,
  };
}

const keyFile = (dataDir: string) => join(dataDir, 'audit-checkpoint.key');

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    const key = (await readFile(file, 'utf8')).trim();
    if (key.length < MIN_CHECKPOINT_KEY_LENGTH) throw new Error(`${file} holds no usable key`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The signing key: AUDIT_CHECKPOINT_KEY, else `<DATA_DIR>/audit-checkpoint.key`
 * (mode 0600); undefined when there is neither. A verifier must not make one:
 * a new key would check nothing.
 */
export async function checkpointKey(config: CheckpointConfig): Promise<string | undefined> {
  return config.key ?? (await readKeyFile(keyFile(config.dataDir)));
}

/** The signing key, made (once, in DATA_DIR) when neither the environment nor the folder has one. */
export async function checkpointKeyOrCreate(config: CheckpointConfig): Promise<string> {
  const existing = await checkpointKey(config);
  if (existing !== undefined) return existing;
  const file = keyFile(config.dataDir);
  await createOnce(file, `${randomBytes(32).toString('base64url')}\n`);
  const key = await readKeyFile(file);
  if (key === undefined) throw new Error(`cannot create ${file}`);
  return key;
}
