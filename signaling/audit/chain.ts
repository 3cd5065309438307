// The hash chain: every audit row stores SHA-256 over the canonical encoding
// of its own fields plus the previous row's hash. Canonical = JSON with keys
// sorted at every depth, instants as ISO-8601 UTC with milliseconds, absent
// values as null — the same bytes whichever engine stored the row.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  id: number;
  at: Date;
  action: string;
  actor: string;
  target: string | null;
  room: string | null;
  details: unknown;
  ip: string | null;
  prevHash: string;
}

function canonicalValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) sorted[key] = canonicalValue(inner);
    }
    return sorted;
  }
  return value === undefined ? null : value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

export function chainHash(fields: ChainedFields): string {
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
}
