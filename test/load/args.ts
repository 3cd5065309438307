// `npm run load` options: --name value pairs and flags, validated.
import { z } from 'zod';

const count = (min: number) => z.coerce.number().int().min(min);

export const loadArgsSchema = z.object({
  rooms: count(1).default(1),
  publishers: count(0).default(2),
  subscribers: count(0).default(8),
  /** Seconds of steady load measured after every bot has joined. */
  duration: z.coerce
    .number()
    .positive()
    .max(24 * 3600)
    .default(30),
  target: z.url().optional(),
  cluster: z.boolean().default(false),
  workers: count(1).max(64).default(1),
  botProcesses: count(1).max(64).default(2),
  botCpus: z
    .string()
    .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'a CPU list such as 1 or 2-3')
    .optional(),
  pageSize: count(1).max(49).default(9),
  windowWidth: count(160).default(1280),
  /** Real Chromium participants (receive only) in the first room, whose getStats the report reads. */
  browsers: count(0).max(10).default(0),
  /** Bots started per second, over all bot processes. */
  joinRate: z.coerce.number().positive().max(1000).default(10),
  /** One packet in N of each stream has its SRTP authentication tag checked (1: all). */
  verifyEvery: count(1).max(1_000_000).default(16),
  json: z.string().optional(),
});
export type LoadArgs = z.infer<typeof loadArgsSchema>;

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `--name value` pairs (and the boolean `flags`) against a schema of
 * camel-cased names; throws with every problem named.
 */
export function parseOptions<S extends z.ZodObject>(
  schema: S,
  argv: readonly string[],
  flags: readonly string[] = [],
): z.infer<S> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const name = camel(arg.slice(2));
    if (flags.includes(name)) raw[name] = true;
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      raw[name] = value;
      i += 1;
    }
  }
  const known = new Set(Object.keys(schema.shape));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`unknown option(s): ${unknown.join(', ')}`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

/** `npm run load`'s options. */
export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const args = parseOptions(loadArgsSchema, argv, ['cluster']);
  if (args.target && args.cluster) throw new Error('--target and --cluster exclude each other');
  return args;
}
