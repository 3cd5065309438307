// The layers of contracts.md are a lint and type-check fact: every fixture in
// test/fixtures/layering/ that breaks a rule is rejected, each where it
// pretends to live (web/src/… is judged as web/src/…), by the project's own
// ESLint configuration and tsconfig files; the real tree passes the rule.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/layering');
const rule = 'veche-layers/imports';
// Linting the tree and building type-check programs take seconds, more on a busy machine.
const slow = 90_000;

type LintExpectation = { messageId: 'crossesLayer' | 'nodeModule'; mentions: string } | null;

/** Every fixture, as the path it pretends to have, and what the layering rule says of it. */
const lintCases: Record<string, LintExpectation> = {
  'web/src/meeting/usesRooms.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/rooms/permissions.js',
  },
  'web/src/meeting/usesSfuApi.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import sfu/api/rtp.js',
  },
  'web/src/meeting/usesNodeModule.ts': { messageId: 'nodeModule', mentions: '"node:crypto"' },
  'web/src/meeting/lazyRooms.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/rooms/control.js',
  },
  'web/src/meeting/allowedOwnSignaling.ts': null,
  'web/src/meeting/allowedProtocol.ts': null,
  'web/src/signaling/client.ts': null,
  'signaling/protocol/usesAuth.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/auth/identity.js',
  },
  'signaling/protocol/reexportsAuth.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/auth/identity.js',
  },
  'signaling/protocol/typeImportsAuth.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/auth/identity.js',
  },
  'signaling/protocol/allowedSfuApi.ts': null,
  'sfu/api/usesFs.ts': { messageId: 'nodeModule', mentions: '"node:fs"' },
  'sfu/api/usesCore.ts': { messageId: 'crossesLayer', mentions: 'may not import sfu/core/room.js' },
  'sfu/core/usesSignaling.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import signaling/protocol/roles.js',
  },
  'signaling/handlers/usesSfuCore.ts': {
    messageId: 'crossesLayer',
    mentions: 'may not import sfu/core/inProcessSfu.js',
  },
  'signaling/main.ts': null,
  // The type-check fixtures import nothing.
  'web/src/meeting/usesProcess.ts': null,
  'signaling/handlers/usesDocument.ts': null,
  'signaling/protocol/usesBuffer.ts': null,
  'sfu/api/usesDocument.ts': null,
};

/**
 * Type-check fixtures: rejected under their layer's settings with the
 * expected diagnostic, and accepted under `accepts` (the global exists
 * there), so the rejection is the layer's doing and not a typo.
 */
const tscCases = [
  // TS2591: "Cannot find name 'process'. Do you need to install type definitions for node? … add 'node' to the types field"
  {
    file: 'web/src/meeting/usesProcess.ts',
    config: 'tsconfig.web.json',
    code: 2591,
    accepts: 'tsconfig.server.json',
  },
  // TS2584: "Cannot find name 'document'. … Try changing the 'lib' compiler option to include 'dom'."
  {
    file: 'signaling/handlers/usesDocument.ts',
    config: 'tsconfig.server.json',
    code: 2584,
    accepts: 'tsconfig.web.json',
  },
  {
    file: 'signaling/protocol/usesBuffer.ts',
    config: 'tsconfig.contract.json',
    code: 2591,
    accepts: 'tsconfig.server.json',
  },
  {
    file: 'sfu/api/usesDocument.ts',
    config: 'tsconfig.contract.json',
    code: 2584,
    accepts: 'tsconfig.web.json',
  },
] as const;

const posix = (path: string) => path.split(sep).join('/');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [posix(relative(fixtures, path))];
  });
}

function parseConfig(config: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, config), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${config}`);
  expect(parsed.errors).toEqual([]);
  return parsed;
}

/** Diagnostic codes per fixture file when the fixtures are compiled with a config's options. */
function typeCheck(config: string, files: readonly string[]): Map<string, number[]> {
  const { options } = parseConfig(config);
  const program = ts.createProgram({
    rootNames: files.map((file) => join(fixtures, file)),
    options: { ...options, noEmit: true },
  });
  const codes = new Map<string, number[]>(files.map((file) => [file, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? posix(relative(fixtures, d.file.fileName)) : '(global)';
    codes.set(file, [...(codes.get(file) ?? []), d.code]);
  }
  return codes;
}

describe('layering', { timeout: slow }, () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it('has an expectation for every fixture', () => {
    const files = listFiles(fixtures).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(Object.keys(lintCases).sort());
    for (const { file } of tscCases) expect(files).toContain(file);
  });

  it('keeps the fixtures out of the normal lint and type check', async () => {
    for (const file of Object.keys(lintCases)) {
      expect(await eslint.isPathIgnored(join(fixtures, file))).toBe(true);
    }
    const whole = parseConfig('tsconfig.json').fileNames.map((f) => posix(relative(root, f)));
    expect(whole.filter((f) => f.startsWith('test/fixtures/layering/'))).toEqual([]);
    expect(whole).toContain('test/unit/layering.test.ts');
  });

  it.each(Object.entries(lintCases))('lint: %s', async (file, expected) => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    // Judged by the project's configuration as if the file lived at that path.
    const [result] = await eslint.lintText(text, { filePath: join(root, file) });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    const layering = result!.messages.filter((m) => m.ruleId === rule);
    if (expected === null) {
      expect(layering).toEqual([]);
    } else {
      expect(layering).toHaveLength(1);
      expect(layering[0]!.messageId).toBe(expected.messageId);
      expect(layering[0]!.severity).toBe(2);
      expect(layering[0]!.message).toContain(expected.mentions);
    }
  });

  it('lint: the project itself keeps the layers', async () => {
    for (const file of ['sfu/api/index.ts', 'signaling/app.ts', 'web/src/main.tsx']) {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as {
        rules?: Record<string, unknown>;
      };
      expect(config.rules?.[rule], file).toEqual([2, { root }]);
    }
    const strict = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === rule });
    const results = await strict.lintFiles(['sfu', 'signaling', 'web']);
    expect(results.length).toBeGreaterThan(100);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${posix(relative(root, r.filePath))}:${m.line} ${m.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('each layer’s tsconfig covers the folders its fixtures stand for', () => {
    for (const { file, config } of tscCases) {
      const folder = `${dirname(file)}/`;
      const covered = parseConfig(config).fileNames.some((f) =>
        posix(relative(root, f)).startsWith(folder),
      );
      expect(covered, `${config} checks ${folder}`).toBe(true);
    }
    const server = parseConfig('tsconfig.server.json').fileNames.map((f) =>
      posix(relative(root, f)),
    );
    expect(server.filter((f) => f.startsWith('web/'))).toEqual([]);
    const contract = parseConfig('tsconfig.contract.json').fileNames.map((f) =>
      posix(relative(root, f)),
    );
    expect(
      contract.filter((f) => !f.startsWith('sfu/api/') && !f.startsWith('signaling/protocol/')),
    ).toEqual([]);
  });

  it('tsc: web code cannot use Node globals, server code cannot use the DOM, the contract neither', () => {
    const configs = new Set(tscCases.flatMap((c) => [c.config, c.accepts]));
    const files = tscCases.map((c) => c.file);
    const byConfig = new Map([...configs].map((config) => [config, typeCheck(config, files)]));
    for (const { file, config, code, accepts } of tscCases) {
      expect(byConfig.get(config)!.get(file), `${file} under ${config}`).toEqual([code]);
      expect(byConfig.get(accepts)!.get(file), `${file} under ${accepts}`).toEqual([]);
    }
    for (const codes of byConfig.values()) expect(codes.get('(global)')).toBeUndefined();
  });
});
