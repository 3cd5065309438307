// Checkpoints of the audit chain. A hash chain proves nothing about its own
// end: delete the last rows, move the chain head back, and what is left is a
// perfect chain. So the head is written, signed, somewhere the database's
// owner does not control (a file, the log): one JSON line per checkpoint with
// an HMAC-SHA256 under a key that is never in the database. `verify` then
// checks the database still holds the row the latest checkpoint saw.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { onlyRow, type Queryable } from '../db/index.js';
import { canonicalJson } from './chain.js';

export interface Checkpoint {
  /** When the head was read. */
  at: Date;
  /** The last row then, and its hash. */
  lastId: number;
  lastHash: string;
}

const lineSchema = z.object({
  v: z.literal(1),
  at: z.iso.datetime(),
  lastId: z.number().int().min(0),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A checkpoint file that cannot be trusted (unreadable, malformed or wrongly signed). */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

function mac(key: string, fields: Omit<z.infer<typeof lineSchema>, 'mac'>): string {
  return createHmac('sha256', key).update(canonicalJson(fields), 'utf8').digest('hex');
}

/** The signed line for a checkpoint (no newline). */
export function checkpointLine(checkpoint: Checkpoint, key: string): string {
  const fields = {
    v: 1 as const,
    at: checkpoint.at.toISOString(),
    lastId: checkpoint.lastId,
    lastHash: checkpoint.lastHash,
  };
  return JSON.stringify({ ...fields, mac: mac(key, fields) });
}

function parseLine(line: string, key: string, where: string): Checkpoint {
  let parsed: z.infer<typeof lineSchema>;
  try {
    parsed = lineSchema.parse(JSON.parse(line));
  } catch {
    throw new CheckpointError(`${where} is not a checkpoint`);
  }
  const { mac: given, ...fields } = parsed;
  const expected = Buffer.from(mac(key, fields), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
    throw new CheckpointError(`${where}: the signature does not match the checkpoint key`);
  return { at: new Date(fields.at), lastId: fields.lastId, lastHash: fields.lastHash };
}

/** The file's last non-empty line and its number; undefined when there is none. */
async function lastLine(file: string): Promise<{ line: string; number: number } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]?.trim() ?? '';
    if (line !== '') return { line, number: i + 1 };
  }
  return undefined;
}

/** Whether the file holds any checkpoint line (whatever its signature). */
export const hasCheckpoints = async (file: string): Promise<boolean> =>
  (await lastLine(file)) !== undefined;

/** The last checkpoint in the file, checked; undefined when there is none yet. */
export async function readLatestCheckpoint(
  file: string,
  key: string,
): Promise<Checkpoint | undefined> {
  const last = await lastLine(file);
  return last && parseLine(last.line, key, `${file} line ${last.number}`);
}

export async function readChainHead(db: Queryable): Promise<{ lastId: number; lastHash: string }> {
  const { rows } = await db.query<{ last_id: number; last_hash: string }>(
    'SELECT last_id, last_hash FROM audit_chain_head WHERE singleton',
  );
  const head = onlyRow(rows, 'audit chain head');
  return { lastId: head.last_id, lastHash: head.last_hash };
}

export interface CheckpointTarget {
  /** AUDIT_CHECKPOINT_FILE: one line is appended per checkpoint. */
  file: string;
  /** AUDIT_CHECKPOINT_KEY (32+ characters). */
  key: string;
  now?: () => Date;
  /** Where the line is logged too (a second copy, off this machine if logs are shipped). */
  log?: Logger;
}

/** Reads the chain head, signs it, appends it to the file and logs it. */
export async function writeCheckpoint(
  db: Queryable,
  target: CheckpointTarget,
): Promise<Checkpoint> {
  const head = await readChainHead(db);
  const checkpoint: Checkpoint = { at: (target.now ?? (() => new Date()))(), ...head };
  const line = checkpointLine(checkpoint, target.key);
  await mkdir(dirname(target.file), { recursive: true, mode: 0o700 });
  await appendFile(target.file, `${line}\n`, { mode: 0o600 });
  target.log?.info({ auditCheckpoint: JSON.parse(line) as unknown }, 'audit checkpoint');
  return checkpoint;
}

/**
 * Writes a checkpoint now and then every `intervalMs` until the returned
 * function is called. A failed checkpoint is logged and the next one tried.
 */
export function scheduleAuditCheckpoints(
  db: Queryable,
  target: CheckpointTarget & { log: Logger; intervalMs: number },
): () => void {
  const run = () => {
    writeCheckpoint(db, target).catch((error: unknown) => {
      target.log.error({ err: error, file: target.file }, 'audit checkpoint failed');
    });
  };
  run();
  const timer = setInterval(run, target.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
