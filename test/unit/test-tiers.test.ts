// `npm test` finds its tiers in the test configuration: every configured
// project runs, in the documented order; a project with no test file and a
// test folder that no project runs make the run fail instead of silently
// leaving tests out.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverTiers } from '../tiers.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const runner = fileURLToPath(new URL('../run-all.mjs', import.meta.url));
const roots: string[] = [];

/** A project folder with a vitest.config.ts of these projects and these files. */
function fixture(projects: Record<string, string>, files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'veche-tiers-'));
  roots.push(root);
  const entries = Object.entries(projects).map(
    ([name, include]) => `{ test: { name: '${name}', include: ['${include}'] } }`,
  );
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(root, 'vitest.config.ts'),
    `export default { test: { projects: [${entries.join(', ')}] } };\n`,
  );
  for (const file of ['test/harness/shared.ts', ...files]) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('test tiers', () => {
  it('runs every configured project: the documented order first, then new ones by name', async () => {
    const root = fixture(
      {
        fuzz: 'test/fuzz/**/*.test.ts',
        browser: 'test/browser/**/*.test.ts',
        unit: 'test/unit/**/*.test.ts',
        chaos: 'test/chaos/**/*.test.ts',
        integration: 'test/integration/**/*.test.ts',
      },
      [
        'test/unit/a.test.ts',
        'test/integration/deep/b.test.ts',
        'test/browser/c.test.ts',
        'test/chaos/d.test.ts',
        'test/fuzz/e.test.ts',
      ],
    );
    expect(await discoverTiers(root)).toEqual({
      tiers: ['unit', 'integration', 'browser', 'chaos', 'fuzz'],
      problems: [],
    });
  });

  it('a configured project with no test file is a broken tier', async () => {
    const root = fixture({ unit: 'test/unit/**/*.test.ts', chaos: 'test/chaos/**/*.test.ts' }, [
      'test/unit/a.test.ts',
      'test/chaos/helpers.ts',
    ]);
    const plan = await discoverTiers(root);
    expect(plan.tiers).toEqual(['unit']);
    expect(plan.problems).toEqual(['tier chaos: configured, but no test file matches it']);
  });

  it('a test folder that no project runs is a broken tier', async () => {
    const root = fixture({ unit: 'test/unit/**/*.test.ts' }, [
      'test/unit/a.test.ts',
      'test/fuzz/a.test.ts',
      'test/fuzz/more/b.test.ts',
      'test/loose.test.ts',
    ]);
    const plan = await discoverTiers(root);
    expect(plan.tiers).toEqual(['unit']);
    expect(plan.problems.sort()).toEqual([
      'test/fuzz: 2 test files that no project in vitest.config.ts runs',
      'test: 1 test file that no project in vitest.config.ts runs',
    ]);
  });

  it('the runner fails on them and says why, before its closing line', () => {
    const root = fixture({ unit: 'test/unit/**/*.test.ts' }, ['test/chaos/a.test.ts']);
    const run = spawnSync(process.execPath, [runner, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      'broken: tier unit: configured, but no test file matches it',
      'broken: test/chaos: 1 test file that no project in vitest.config.ts runs',
      '0 passed, 2 failed, 0 skipped',
    ]);
  });

  it("this repository's configuration has no broken tier", async () => {
    const plan = await discoverTiers(repoRoot);
    expect(plan.problems).toEqual([]);
    expect(plan.tiers.slice(0, 5)).toEqual(['unit', 'integration', 'webrtc', 'cluster', 'browser']);
  });
});
