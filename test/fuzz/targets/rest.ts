// The REST API as a target: every operation of the server's own OpenAPI
// document (GET /api/openapi.json), called anonymously, as staff, as an
// admin and with forged tokens, with sampled then mutated path parameters,
// query strings and bodies, wrong content types, oversized and non-JSON
// bodies, other methods and odd request targets. Identifiers the API hands
// out (rooms, bookings, offices) are named again in later requests.
import { Agent, request, validateHeaderValue } from 'node:http';
import type { RestCaller, RestCase } from '../cases.js';
import { mutate } from '../mutate.js';
import { nastyString, ODD_KEYS, randomBytes } from '../nasty.js';
import { judgeRestAnswer, type HttpAnswer, type Verdict } from '../oracles.js';
import type { Random } from '../../harness/random.js';
import { harvest, sample, type JsonSchema, type SampleHints } from '../sample.js';
import { toWire } from '../wire.js';
import { Tally } from './common.js';

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

/** The API's body limit (DEFAULT_BODY_LIMIT): past it the server answers 413 and closes. */
const BODY_LIMIT = 64 * 1024;
/** Node's limit on a request's head (--max-http-header-size). */
const HEADER_LIMIT = 16 * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [
  'text/plain',
  '',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
];
const ODD_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '..',
  '.',
  '%2F',
  '%2e%2e',
  '%C0%AF',
  '%F0%9F%98',
  '%ED%A0%80',
];
/** Request targets the HTTP layer must take without falling over. */
const ODD_TARGETS = [
  '//[',
  '//',
  '//a:b@c/api/rooms',
  '/api//rooms',
  '/api/rooms/',
  '/api/',
  '/api',
  '/api/%',
  '/api/rooms?%',
  '/api/rooms?a=%zz',
  '/api/rooms/%2e%2e/bookings',
  '/api/openapi.json?x=1',
  '/api/../api/rooms',
  '/%2Fapi/rooms',
  `/api/rooms/${'a'.repeat(20_000)}`,
  `/api/rooms?${'a=1&'.repeat(2000)}`,
  '*',
];
const NON_JSON_BODIES = [
  '{"a":',
  'NaN',
  "{'a':1}",
  '[1,2,',
  '\u0000',
  'null',
  '1e999',
  '"x"',
  '{}{}',
];

/**
 * Percent-encoding of any string, lone surrogates included: they go as the
 * three bytes UTF-8 would give them (WTF-8), which a hostile client may send
 * and encodeURIComponent refuses to produce.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/^[A-Za-z0-9\-_.~]$/.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    const bytes =
      cp >= 0xd800 && cp <= 0xdfff
        ? Buffer.from([0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)])
        : Buffer.from(ch, 'utf8');
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface RestTargetOptions {
  url: string;
  random: Random;
  token: (role: 'staff' | 'admin') => Promise<string>;
  /** Values never named (the meeting's room, the SFU node under it). */
  protect: ReadonlySet<string>;
}

export function createRestTarget(options: RestTargetOptions) {
  const { random } = options;
  const tally = new Tally('rest');
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const pools = new Map<string, string[]>();
  const hints: SampleHints = { pools };
  let operations: Operation[] = [];
  const tokens: Partial<Record<'staff' | 'admin', string>> = {};

  async function init(): Promise<void> {
    const res = await fetch(`${options.url}/api/openapi.json`);
    const doc = (await res.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Operation['params'];
            requestBody?: { content: Record<string, { schema: JsonSchema }> };
          }
        >
      >;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
      })),
    );
    tokens.staff = await options.token('staff');
    tokens.admin = await options.token('admin');
  }

  /**
   * Sends a case; a reused keep-alive connection the server closed meanwhile
   * is retried once on a fresh one (that race is HTTP's, not the server's).
   */
  async function send(input: RestCase): Promise<HttpAnswer> {
    try {
      return await sendOnce(input, agent);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ECONNRESET' && code !== 'EPIPE') throw error;
      return sendOnce(input, false);
    }
  }

  function sendOnce(input: RestCase, via: Agent | false): Promise<HttpAnswer> {
    const body =
      input.bodyBase64 !== undefined
        ? Buffer.from(input.bodyBase64, 'base64')
        : input.body !== undefined
          ? Buffer.from(input.body, 'utf8')
          : undefined;
    const headers: Record<string, string> = { ...input.headers };
    if (input.as === 'staff' || input.as === 'admin')
      headers['authorization'] ??= `Bearer ${tokens[input.as]}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: input.method,
          path: input.path,
          headers: body ? { 'content-length': String(body.length), ...headers } : headers,
          agent: via,
          timeout: 20_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A path parameter as sent: sampled, sometimes hostile (unless `clean`), percent-encoded or deliberately not. */
  function pathValue(param: Operation['params'][number], clean: boolean): string {
    if (!clean && random.chance(0.08)) return random.pick(ODD_SEGMENTS);
    const value =
      !clean && random.chance(0.15)
        ? nastyString(random)
        : sample(param.schema, random, hints, param.name);
    return percentEncode(typeof value === 'string' ? value : toWire(value).text);
  }

  function queryString(op: Operation, clean: boolean): string {
    const pairs: [string, string][] = [];
    for (const param of op.params.filter((p) => p.in === 'query')) {
      if (!param.required && random.chance(0.5)) continue;
      const value =
        !clean && random.chance(0.15)
          ? nastyString(random)
          : sample(param.schema, random, hints, param.name);
      pairs.push([param.name, typeof value === 'string' ? value : toWire(value).text]);
      if (!clean && random.chance(0.05)) pairs.push([param.name, nastyString(random)]);
    }
    if (!clean && random.chance(0.1))
      pairs.push([random.pick(ODD_KEYS).slice(0, 200), nastyString(random).slice(0, 2000)]);
    if (pairs.length === 0) return '';
    return `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`;
  }

  function authorization(as: RestCaller): Record<string, string> {
    if (as !== 'forged') return {};
    const valid = tokens.staff ?? '';
    const candidates = [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Bearer ${valid}x`,
      `Bearer ${valid.split('.').slice(0, 2).join('.')}.`,
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${valid.split('.')[1]}.`,
      `Bearer ${valid} ${valid}`,
      `bearer ${'a'.repeat(10_000)}`,
      `Bearer ${nastyString(random).slice(0, 5000)}`,
    ];
    const value = random.pick(candidates);
    try {
      validateHeaderValue('authorization', value);
      return { authorization: value };
    } catch {
      return { authorization: 'Bearer \u00ff' };
    }
  }

  /** One generated request: its case and the mutations applied. */
  /**
   * One generated request: its case and the mutations applied. `forced`
   * names the operation and caller, and whether it is mutated (the sweep);
   * otherwise all of it is drawn, odd request targets and methods included.
   */
  function generate(forced?: { op: Operation; as: RestCaller; mutated: boolean }): {
    input: RestCase;
    what: string;
    mutations: string[];
    httpLevel: boolean;
  } {
    const as =
      forced?.as ??
      random.pick<RestCaller>(['anonymous', 'staff', 'staff', 'admin', 'admin', 'forged']);
    const headers = authorization(as);
    if (!forced && random.chance(0.03)) {
      const path = random.pick(ODD_TARGETS);
      return {
        input: { target: 'rest', as, method: random.pick(METHODS), path, headers },
        what: 'odd target',
        mutations: [],
        httpLevel: true,
      };
    }
    const op = forced?.op ?? random.pick(operations);
    // The sweep's valid-shaped requests have clean parameters; its mutated ones a mutated body, or hostile parameters.
    const clean = forced !== undefined && (!forced.mutated || op.body !== undefined);
    const mutations: string[] = [];
    let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const param = op.params.find((p) => p.in === 'path' && p.name === name);
      return param ? pathValue(param, clean) : 'x';
    });
    path += queryString(op, clean);
    let method = op.method;
    if (!forced && random.chance(0.03)) {
      method = random.pick(METHODS);
      mutations.push('method');
    }
    let body: string | undefined;
    let bodyBase64: string | undefined;
    if (op.body || (!forced && random.chance(0.05))) {
      const r = forced ? 1 : random.next();
      if (r < 0.03) {
        body = JSON.stringify({ text: 'x'.repeat(random.pick([70_000, 1_100_000])) });
        mutations.push('oversized');
      } else if (r < 0.06) {
        bodyBase64 = randomBytes(random, 2048).toString('base64');
        mutations.push('binary');
      } else if (r < 0.08) {
        mutations.push('no-body');
      } else if (r < 0.11) {
        body = random.pick(NON_JSON_BODIES);
        mutations.push('not-json');
      } else {
        const valid = sample(op.body ?? { type: 'object' }, random, hints);
        const mutating = forced ? forced.mutated : random.chance(0.8);
        const made = mutating ? mutate(valid, random) : { value: valid, mutations: [] };
        body = toWire(made.value).text;
        mutations.push(...made.mutations);
      }
      if (forced || random.chance(0.9)) headers['content-type'] = 'application/json';
      else {
        headers['content-type'] = random.pick(CONTENT_TYPES);
        mutations.push('content-type');
      }
    }
    if (forced?.mutated && !op.body) mutations.push('parameters');
    const input: RestCase = {
      target: 'rest',
      as,
      method,
      path,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(bodyBase64 !== undefined ? { bodyBase64 } : {}),
    };
    return { input, what: `${op.method} ${op.path}`, mutations, httpLevel: method === 'HEAD' };
  }

  async function fire(
    input: RestCase,
    what: string,
    mutations: string[],
    httpLevel: boolean,
    kind: string,
  ): Promise<Verdict> {
    let verdict: Verdict;
    try {
      const answer = await send(input);
      verdict = judgeRestAnswer(answer, httpLevel || input.method === 'HEAD');
      if (answer.status >= 200 && answer.status < 300 && answer.contentType.includes('json')) {
        try {
          harvest(JSON.parse(answer.body), pools, options.protect);
        } catch {
          verdict = {
            code: verdict.code,
            finding: `${answer.status} with a body that is not JSON`,
          };
        }
      }
    } catch (error) {
      // A connection the server closes after an oversized body, or Node's
      // parser after a request head past its limit, is the documented answer.
      const size = input.body !== undefined ? Buffer.byteLength(input.body) : 0;
      const head = input.path.length + Object.values(input.headers ?? {}).join('').length;
      verdict =
        size > BODY_LIMIT
          ? { code: 'closed (oversized body)' }
          : head > HEADER_LIMIT
            ? { code: 'closed (oversized head)' }
            : { code: 'no answer', finding: `no answer: ${(error as Error).message}` };
    }
    tally.judge(kind, verdict, { as: input.as, what, mutations, input }, what);
    return verdict;
  }

  /** Many requests at once. */
  async function flood(count: number): Promise<void> {
    const batch = Array.from({ length: count }, () => generate());
    await Promise.all(
      batch.map((g) => fire(g.input, g.what, ['flood', ...g.mutations], g.httpLevel, 'flood')),
    );
  }

  return {
    tally,
    init,
    /** Every operation of the OpenAPI document, as `METHOD /path` (known once `init` ran). */
    operations: () => operations.map((op) => `${op.method} ${op.path}`),
    /** Every operation, valid-shaped and mutated, anonymously, as staff and as an admin. */
    async sweep(): Promise<void> {
      if (operations.length === 0) await init();
      for (const op of operations)
        for (const as of ['anonymous', 'staff', 'admin'] as const)
          for (const mutated of [false, true]) {
            const g = generate({ op, as, mutated });
            await fire(
              g.input,
              g.what,
              g.mutations,
              g.httpLevel,
              mutated ? 'mutated' : 'valid-shaped',
            );
          }
      // Each odd request target once, and one flood.
      for (const path of ODD_TARGETS)
        await fire(
          { target: 'rest', as: 'anonymous', method: random.pick(METHODS), path },
          'odd target',
          [],
          true,
          'odd target',
        );
      await flood(50);
    },
    async run(count: number, concurrency = 4): Promise<void> {
      if (operations.length === 0) await init();
      const goal = tally.messages + count;
      const worker = async () => {
        while (tally.messages < goal) {
          if (random.chance(0.002)) {
            await flood(Math.min(50, goal - tally.messages));
            continue;
          }
          const g = generate();
          const kind =
            g.what === 'odd target'
              ? 'odd target'
              : g.mutations.length === 0
                ? 'valid-shaped'
                : 'mutated';
          await fire(g.input, g.what, g.mutations, g.httpLevel, kind);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    async replay(input: RestCase): Promise<Verdict> {
      if (operations.length === 0) await init();
      return fire(
        input,
        'replay',
        [],
        input.method === 'HEAD' || !input.path.startsWith('/api/'),
        'corpus',
      );
    },
    close(): void {
      agent.destroy();
    },
  };
}
