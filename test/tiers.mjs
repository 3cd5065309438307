// Which test tiers `npm test` runs: the projects of vitest.config.ts, read
// through vitest itself, so a tier added there runs without touching the
// runner. A project whose include matches no file, and a test file that no
// project runs (a new tier folder nobody configured), are broken tiers: they
// would otherwise pass by never running.
import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** The documented order; projects not listed here run after these, by name. */
export const TIER_ORDER = ['unit', 'integration', 'webrtc', 'cluster', 'browser', 'chaos', 'fuzz'];

const isTestFile = (file) => file.endsWith('.test.ts');

/** The configured projects and the test files each one runs, as vitest resolves them. */
export async function configuredProjects(root) {
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', { root, watch: false, reporters: [] });
  try {
    const specs = await vitest.globTestSpecifications();
    return vitest.projects.map((project) => ({
      name: project.name,
      files: specs.filter((s) => s.project.name === project.name).map((s) => s.moduleId),
    }));
  } finally {
    await vitest.close();
  }
}

/** Every *.test.ts under test/ (absolute paths), wherever it is. */
export function testFiles(root) {
  const dir = join(root, 'test');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => isTestFile(f) && !f.split(sep).includes('node_modules'))
    .map((f) => join(dir, f));
}

/**
 * The tiers to run, in order, and what is wrong with the configuration: one
 * reason per empty project and per test folder that no project covers.
 */
export function planTiers(projects, files, root) {
  const rank = (name) => {
    const i = TIER_ORDER.indexOf(name);
    return i === -1 ? TIER_ORDER.length : i;
  };
  const problems = [];
  const tiers = [];
  for (const project of [...projects].sort(
    (a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name),
  )) {
    if (project.files.length === 0) {
      problems.push(`tier ${project.name}: configured, but no test file matches it`);
    } else {
      tiers.push(project.name);
    }
  }
  const covered = new Set(projects.flatMap((p) => p.files.map((f) => resolve(f))));
  const orphans = new Map();
  for (const file of files.filter((f) => !covered.has(resolve(f)))) {
    const [, folder = ''] = relative(root, file).split(sep);
    const where = isTestFile(folder) ? 'test' : `test/${folder}`;
    orphans.set(where, (orphans.get(where) ?? 0) + 1);
  }
  for (const [where, count] of orphans) {
    problems.push(
      `${where}: ${count} test file${count === 1 ? '' : 's'} that no project in vitest.config.ts runs`,
    );
  }
  return { tiers, problems };
}

/** The tiers of the project at `root` (the folder holding vitest.config.ts). */
export async function discoverTiers(root) {
  return planTiers(await configuredProjects(root), testFiles(root), root);
}
