// How every Redis client of a signaling node connects: REDIS_URL carries the
// user, the password and TLS (rediss://); REDIS_CA adds the private CA that
// signed a rediss:// server's certificate, for this connection only.
import type { RedisClientOptions } from 'redis';

export function redisClientOptions(
  url: string,
  ca: string | undefined,
): Pick<RedisClientOptions, 'url' | 'socket'> {
  // node-redis refuses socket.tls that disagrees with the URL's scheme, and
  // a CA means nothing without TLS (the configuration refuses that pairing).
  if (ca === undefined || new URL(url).protocol !== 'rediss:') return { url };
  return { url, socket: { tls: true, ca } };
}
