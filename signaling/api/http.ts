// Reading requests and writing answers for the REST API.
import { clientAddress } from '../auth/socketAuth.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The JSON body, refused past `limit` bytes (413) or when it is not JSON (400). */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () =>
    new ApiError('PAYLOAD_TOO_LARGE', `the request body is limited to ${limit} bytes`, undefined, {
      connection: 'close',
    });
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ApiError('BAD_REQUEST', 'a JSON body is required');
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new ApiError('BAD_REQUEST', 'the body must be application/json');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('BAD_REQUEST', 'the body is not valid JSON');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = status === 204 ? '' : JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    })
    .end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers }).end(text);
}

/**
 * The caller's address, by the same rule as sockets' (behind a trusted proxy,
 * the address the proxy appended; the entries before it are the client's word).
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const address = clientAddress(req, trustProxy);
  return address === 'unknown' ? undefined : address;
}
