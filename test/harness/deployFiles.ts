// Readers of the deployment files in infra/ for the tests that check them
// against the code: env files (systemd EnvironmentFile syntax), systemd
// units, and the Kubernetes manifests (YAML, validated against the
// Kubernetes API schemas, unknown fields included).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const readRepoFile = (path: string): string => readFileSync(repoRoot + path, 'utf8');

export interface EnvFile {
  /** Settings given a value, in file order. */
  set: Map<string, string>;
  /** Settings listed commented out (`#NAME=default`): left at their defaults. */
  commented: Map<string, string>;
  /** Every name listed, set or commented, with repeats. */
  names: string[];
}

/** An env example: `NAME=value` lines, `#NAME=value` for a setting left out, other `#` lines prose. */
export function parseEnvFile(text: string): EnvFile {
  const file: EnvFile = { set: new Map(), commented: new Map(), names: [] };
  for (const line of text.split('\n')) {
    const match = /^(#?)([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, hash, name, value] = match as unknown as [string, string, string, string];
    (hash ? file.commented : file.set).set(name, value);
    file.names.push(name);
  }
  return file;
}

/** A systemd unit: section → key → values (keys may repeat). */
export type Unit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (section === undefined || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** The last value of a key, as systemd takes it. */
export function unitValue(unit: Unit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** A Kubernetes object as read from YAML, with the file it came from. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  file: string;
  [field: string]: unknown;
}

/** Every document of the YAML files under infra/k8s named (parse errors throw). */
export function readManifests(files: readonly string[]): Manifest[] {
  return files.flatMap((file) =>
    parseAllDocuments(readRepoFile(`infra/k8s/${file}`)).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return { ...(doc.toJS() as Record<string, unknown>), file } as Manifest;
    }),
  );
}

type Validate = (this: unknown) => void;

/** The kubernetes-models class's validation of an apiVersion and kind. */
async function validatorOf(apiVersion: string, kind: string): Promise<Validate> {
  // kubernetes-models/<group>/<version>/<Kind>; the core group is plain <version>.
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  const module = (await import(/* @vite-ignore */ specifier)) as Record<
    string,
    { prototype: { validate: Validate } }
  >;
  const model = module[kind];
  if (!model) throw new Error(`no model for ${apiVersion} ${kind}`);
  return model.prototype.validate;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates `data` against the Kubernetes schema of its kind and lists its
 * fields the schema does not have (a misspelt field is otherwise silently
 * dropped by the API server). The schema's validator reads each field it
 * knows; the objects it walks as maps (labels, ConfigMap data) it lists
 * whole. Whatever it never read is unknown to it.
 */
export async function checkAgainstSchema(data: Manifest | Record<string, unknown>): Promise<{
  errors: string[];
  unknownFields: string[];
}> {
  const object: Record<string, unknown> = { ...data };
  delete object['file'];
  const validate = await validatorOf(String(object['apiVersion']), String(object['kind']));
  const read = new WeakMap<object, Set<PropertyKey> | 'all'>();
  const proxies = new WeakMap<object, object>();
  const watch = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = proxies.get(value);
    if (known) return known;
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const seen = read.get(target);
        if (seen !== 'all') read.set(target, (seen ?? new Set()).add(key));
        return watch(Reflect.get(target, key, receiver));
      },
      ownKeys(target) {
        read.set(target, 'all');
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  const errors: string[] = [];
  try {
    validate.call(watch(object));
  } catch (error) {
    errors.push((error as Error).message);
  }
  const unknownFields: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) return;
    const seen = read.get(value);
    for (const [key, child] of Object.entries(value)) {
      if (seen !== 'all' && !seen?.has(key)) unknownFields.push(`${path}.${key}`);
      else walk(child, `${path}.${key}`);
    }
  };
  walk(object, String(object['kind']));
  return { errors, unknownFields };
}
