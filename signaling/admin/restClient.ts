// The admin REST API as the command-line tools call it (`npm run admin`,
// `npm run turn -- check`): VECHE_URL and VECHE_TOKEN from the environment,
// answers schema-checked, refusals as messages an operator can act on. The
// token is only ever sent in the Authorization header, never printed.
import type { z } from 'zod';
import { errorBodySchema } from '../api/errors.js';

/** Exit codes: 0 done, 1 the server refused or failed, 2 the command or setup is wrong. */
export type ExitCode = 0 | 1 | 2;

/** A failure that ends a command with its message and exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
    /** The HTTP status when the server refused. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface AdminRestClient {
  /** VECHE_URL without a trailing slash. */
  readonly base: string;
  call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T>;
}

/** A client for VECHE_URL with VECHE_TOKEN; CliFailure (code 2) when the token is missing. */
export function adminRestClient(
  env: Readonly<Record<string, string | undefined>>,
): AdminRestClient {
  const token = env.VECHE_TOKEN?.trim();
  if (!token)
    throw new CliFailure(
      'VECHE_TOKEN is not set: admin commands need an admin staff token (npm run dev:token makes one in development)',
      2,
    );
  const base = (env.VECHE_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
  return {
    base,
    async call(method, path, schema, body) {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        const reason = error instanceof Error ? (error.cause ?? error).toString() : String(error);
        throw new CliFailure(`cannot reach ${base}: ${reason}`, 1);
      }
      const payload: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        const parsed = errorBodySchema.safeParse(payload);
        const reason = parsed.success
          ? `${parsed.data.error.code}${parsed.data.error.details?.reason ? ` (${String(parsed.data.error.details.reason)})` : ''}: ${parsed.data.error.message}`
          : `HTTP ${res.status}`;
        throw new CliFailure(`${method} ${path} refused: ${reason}`, 1, res.status);
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success)
        throw new CliFailure(
          `${path}: unexpected answer from ${base} (${parsed.error.message})`,
          1,
        );
      return parsed.data;
    },
  };
}
