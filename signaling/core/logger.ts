import { pino, type Logger } from 'pino';

/** Structured logs. Tokens and auth objects are redacted wherever they appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'veche-signaling' },
      redact: {
        paths: ['auth', 'token', '*.token', '*.auth', 'headers.authorization', 'headers.cookie'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
export type { Logger };
