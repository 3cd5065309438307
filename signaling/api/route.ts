// Routes as typed data: method, path, the zod schemas of params, query and
// body, and the responses. The router validates with these schemas and the
// OpenAPI document is generated from the very same ones.
import { z } from 'zod';
import type { StaffIdentity } from '../auth/identity.js';
import { ApiError, type ApiErrorCode } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Reply =
  | { status: number; json: unknown }
  | { status: number; text: string; contentType: string; filename?: string };

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON answers (text/calendar). */
  contentType?: string;
}

export interface RawInput {
  identity: StaffIdentity;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  ip: string | undefined;
}

const empty = z.strictObject({});
type Empty = typeof empty;

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** OpenAPI style: /api/rooms/{slug} */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  /** Failures this route can answer besides the ones every route can. */
  errors: ApiErrorCode[];
  handle(input: {
    identity: StaffIdentity;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    ip: string | undefined;
  }): Promise<Reply>;
}

/** A route with its types erased: what the router and the OpenAPI generator hold. */
export interface Route {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params: z.ZodType;
  query: z.ZodType;
  body: z.ZodType | undefined;
  responses: Record<number, ResponseSpec>;
  errors: ApiErrorCode[];
  run(input: RawInput): Promise<Reply>;
}

export function defineRoute<
  P extends z.ZodType = Empty,
  Q extends z.ZodType = Empty,
  B extends z.ZodType = Empty,
>(spec: RouteSpec<P, Q, B>): Route {
  const params = spec.params ?? empty;
  const query = spec.query ?? empty;
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: spec.tag,
    params,
    query,
    body: spec.body,
    responses: spec.responses,
    errors: spec.errors,
    async run(input) {
      const nul = nulAt({ params: input.params, query: input.query, body: input.body });
      if (nul !== undefined)
        throw new ApiError('BAD_REQUEST', 'text may not contain the NUL character', { path: nul });
      return spec.handle({
        identity: input.identity,
        ip: input.ip,
        params: params.parse(input.params) as z.output<P>,
        query: query.parse(input.query) as z.output<Q>,
        body: (spec.body ? spec.body.parse(input.body) : {}) as z.output<B>,
      });
    },
  };
}

export const json = (status: number, body: unknown): Reply => ({ status, json: body });

/**
 * Where a NUL character is in a request's text (a string or a key), if
 * anywhere: PostgreSQL stores no text with one, so such a request is the
 * client's error, answered before it reaches the database. Walked without
 * recursion: a body may nest thousands of levels deep.
 */
export function nulAt(value: unknown): string | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, path, depth] = next;
    if (typeof v === 'string') {
      if (v.includes('\0')) return path;
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        // Paths are named to a depth of 16; deeper ones end in an ellipsis.
        const at = depth >= 16 ? path : path ? `${path}.${key}` : key;
        if (key.includes('\0')) return at;
        stack.push([child, depth === 16 ? `${at}…` : at, depth + 1]);
      }
    }
  }
  return undefined;
}
