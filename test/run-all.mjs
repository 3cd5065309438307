// npm test: runs every tier in order and ends with one summary line of its
// own, so an empty or partial run cannot look green. The tiers are the
// projects of vitest.config.ts (see tiers.mjs); a project without tests and a
// test folder that no project runs each count as a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverTiers } from './tiers.mjs';

// The project root; another one may be named, which the runner's own test does.
const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
let passed = 0;
let failed = 0;
let skipped = 0;
const broken = [];

let tiers = [];
try {
  const plan = await discoverTiers(root);
  tiers = plan.tiers;
  broken.push(...plan.problems);
  failed += plan.problems.length;
} catch (error) {
  broken.push(`the test configuration could not be read: ${error?.message ?? error}`);
  failed += 1;
}

const reportDir = mkdtempSync(join(tmpdir(), 'veche-test-'));
for (const tier of tiers) {
  console.log(`\n=== ${tier} ===`);
  const report = join(reportDir, `${tier}.json`);
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      tier,
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (!existsSync(report)) {
    broken.push(`${tier} (no report, exit ${run.status})`);
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  const failedSuites = result.testResults.filter(
    (s) => s.status === 'failed' && s.assertionResults.length === 0,
  );
  for (const suite of failedSuites) {
    broken.push(`${tier}: ${suite.name} failed to run`);
    failed += 1;
  }
  if (result.numTotalTests === 0) {
    broken.push(`${tier} ran no tests`);
    failed += 1;
  }
  if (run.status !== 0 && result.numFailedTests === 0 && failedSuites.length === 0) {
    broken.push(`${tier} exited ${run.status}`);
    failed += 1;
  }
}
rmSync(reportDir, { recursive: true, force: true });

console.log('');
for (const line of broken) console.log(`broken: ${line}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
