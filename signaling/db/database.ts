// One database interface, two implementations (a pg pool, or PGlite in
// process). Repositories take a Queryable, so they run the same inside or
// outside a transaction and on either engine; the SQL is identical for both.
export type Row = Record<string, unknown>;

export interface QueryResult<T extends Row> {
  rows: T[];
  /** Rows returned, or affected by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1…` parameters. bigint columns come back as numbers on both engines. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when
   * it throws. Use only the `tx` handed in inside `fn` (on PGlite, a query on
   * the database itself would wait for this transaction to end).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The single row a statement must return (RETURNING, a singleton table). */
export function onlyRow<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`expected one row: ${what}`);
  return row;
}

/** The Postgres error fields the application looks at (both engines fill them). */
export interface DatabaseError {
  code: string;
  constraint?: string;
  detail?: string;
}

export function isDatabaseError(error: unknown, code?: string): error is DatabaseError {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const actual = (error as { code: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

/** SQLSTATEs the application handles. */
export const SqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  exclusionViolation: '23P01',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** PostgreSQL aborted the transaction only to break a cycle or a race: running it again is safe. */
export const isRetryable = (error: unknown): boolean =>
  isDatabaseError(error, SqlState.deadlockDetected) ||
  isDatabaseError(error, SqlState.serializationFailure);
