// Types for tiers.mjs (plain JavaScript so `node test/run-all.mjs` needs no loader).
export const TIER_ORDER: readonly string[];

export interface ConfiguredProject {
  name: string;
  /** Absolute paths of the test files the project runs. */
  files: string[];
}

export interface TierPlan {
  /** Projects with test files, in the documented order, then the others by name. */
  tiers: string[];
  /** One line per broken tier: a project with no test file, a test folder no project runs. */
  problems: string[];
}

export function configuredProjects(root: string): Promise<ConfiguredProject[]>;
export function testFiles(root: string): string[];
export function planTiers(projects: ConfiguredProject[], files: string[], root: string): TierPlan;
export function discoverTiers(root: string): Promise<TierPlan>;
