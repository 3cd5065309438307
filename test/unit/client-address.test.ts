// Behind a trusted reverse proxy, a caller's address is the one the proxy
// vouches for — the last X-Forwarded-For entry, which the proxy appended —
// for sockets and the REST API alike: the entries before it are whatever the
// client sent, and a forged one must not reach audit rows or rate limits.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp } from '../../signaling/api/http.js';
import { clientAddress } from '../../signaling/auth/socketAuth.js';

const request = (forwarded: string | undefined) =>
  ({
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;

describe('the caller address behind a proxy', () => {
  it('is the entry the proxy appended, for the API and sockets alike', () => {
    const forged = request('203.0.113.66, 10.20.30.40');
    expect(clientAddress(forged, true)).toBe('10.20.30.40');
    expect(clientIp(forged, true)).toBe('10.20.30.40');
  });

  it('is the connection address without a trusted proxy, whatever the header says', () => {
    const forged = request('203.0.113.66');
    expect(clientAddress(forged, false)).toBe('127.0.0.1');
    expect(clientIp(forged, false)).toBe('127.0.0.1');
    expect(clientIp(request(undefined), true)).toBe('127.0.0.1');
  });
});
