// The deployment files in infra/ checked against the code they deploy, so
// they cannot drift from it: every variable they name is one the processes
// read (and the env examples name all of them), their settings load as a
// valid configuration, ports are the configuration's defaults, probes ask
// the paths the processes serve, supervisors wait longer than the drains,
// the systemd units pass `systemd-analyze verify`, and the Kubernetes
// manifests pass the Kubernetes API schemas with no unknown field.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SFU_NODE_ENV_NAMES, loadSfuNodeConfig } from '../../sfu/node/config.js';
import { SIGNALING_ENV_NAMES, loadConfig } from '../../signaling/config.js';
import { loadTurnConfig } from '../../signaling/turn/config.js';
import {
  checkAgainstSchema,
  parseEnvFile,
  parseUnit,
  readManifests,
  readRepoFile,
  repoRoot,
  unitValue,
  type EnvFile,
  type Manifest,
} from '../harness/deployFiles.js';

/** Settings whose values are secrets: the examples carry placeholders only. */
const SECRET_NAMES = [
  'JWT_SECRET',
  'INVITE_SECRET',
  'RESUME_SECRET',
  'AUDIT_CHECKPOINT_KEY',
  'SFU_SECRET',
  'SFU_SECRET_PREVIOUS',
  'TURN_SECRET',
  'METRICS_TOKEN',
];
/** Settings whose URLs carry a password: the examples say PASSWORD. */
const URLS_WITH_PASSWORDS = ['DATABASE_URL', 'REDIS_URL'];
const PLACEHOLDER = /^<[^>]+>$/;

const processes = {
  signaling: {
    names: new Set(SIGNALING_ENV_NAMES),
    envExample: 'infra/systemd/signaling.env.example',
    unit: 'infra/systemd/veche-signaling.service',
    script: 'start',
  },
  sfu: {
    names: new Set(SFU_NODE_ENV_NAMES),
    envExample: 'infra/systemd/sfu.env.example',
    unit: 'infra/systemd/veche-sfu.service',
    script: 'sfu',
  },
} as const;
type ProcessName = keyof typeof processes;

/** A value the configuration accepts in place of each placeholder: a fresh secret each. */
function filled(env: Map<string, string> | Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...(env instanceof Map ? env : Object.entries(env))].map(([name, value]) => [
      name,
      PLACEHOLDER.test(value) ? randomBytes(36).toString('base64url') : value,
    ]),
  );
}

/** The configurations' defaults, from the loaders themselves. */
const secret = () => randomBytes(36).toString('base64url');
const defaults = {
  signaling: loadConfig({}),
  sfu: loadSfuNodeConfig({ SFU_SECRET: secret() }),
  turn: loadTurnConfig({}),
};

function checkSecretsArePlaceholders(values: Map<string, string>, where: string) {
  for (const [name, value] of values) {
    if (SECRET_NAMES.includes(name)) {
      expect(
        value === '' || PLACEHOLDER.test(value),
        `${where}: ${name} is not a placeholder`,
      ).toBe(true);
    }
    if (URLS_WITH_PASSWORDS.includes(name)) {
      expect(new URL(value).password, `${where}: ${name}'s password`).toBe('PASSWORD');
    }
  }
}

describe('the systemd env examples', () => {
  const examples = Object.fromEntries(
    Object.entries(processes).map(([name, p]) => [name, parseEnvFile(readRepoFile(p.envExample))]),
  ) as Record<ProcessName, EnvFile>;

  for (const [name, p] of Object.entries(processes) as [
    ProcessName,
    (typeof processes)[ProcessName],
  ][]) {
    const example = examples[name];

    it(`${p.envExample} names each variable the ${name} process reads, and only those, once`, () => {
      expect(example.names.filter((n) => !p.names.has(n))).toEqual([]);
      const listed = new Set(example.names);
      expect([...p.names].filter((n) => !listed.has(n))).toEqual([]);
      expect(example.names.filter((n, i) => example.names.indexOf(n) !== i)).toEqual([]);
    });

    it(`${p.envExample} holds placeholders, never secrets`, () => {
      checkSecretsArePlaceholders(example.set, p.envExample);
    });
  }

  it('filled in, each is a configuration the process starts with; as shipped, it is refused', () => {
    const signaling = loadConfig(filled(examples.signaling.set));
    expect(signaling).toMatchObject({
      mode: 'production',
      trustProxy: true,
      sfuNodes: { registry: { heartbeatMs: 1000 } },
      redis: { prefix: 'veche:' },
    });
    expect(signaling.databaseUrl).toBeDefined();
    const sfu = loadSfuNodeConfig(filled(examples.sfu.set));
    expect(sfu).toMatchObject({ nodeId: 'sfu-a', registry: { prefix: 'veche:' } });
    // The placeholders themselves are too short for a secret.
    expect(() => loadConfig(Object.fromEntries(examples.signaling.set))).toThrow(/JWT_SECRET/);
    expect(() => loadSfuNodeConfig(Object.fromEntries(examples.sfu.set))).toThrow(/SFU_SECRET/);
  });
});

describe('the systemd units', () => {
  const units = Object.fromEntries(
    Object.entries(processes).map(([name, p]) => [name, parseUnit(readRepoFile(p.unit))]),
  ) as Record<ProcessName, ReturnType<typeof parseUnit>>;
  const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> })
    .scripts;

  for (const [name, p] of Object.entries(processes) as [
    ProcessName,
    (typeof processes)[ProcessName],
  ][]) {
    it(`${p.unit} runs what \`npm run ${p.script}\` runs, hardened, with its env file`, () => {
      const unit = units[name];
      const service = (key: string) => unitValue(unit, 'Service', key);
      // `node infra/…mjs`, as the npm script, without npm in between.
      expect(service('ExecStart')).toBe(`/usr/bin/${scripts[p.script]}`);
      const envFile = p.envExample.replace(/^infra\/systemd\/(.+)\.example$/, '/etc/veche/$1');
      expect(service('EnvironmentFile')).toBe(envFile);
      expect(service('User')).toBe('veche');
      expect(service('NoNewPrivileges')).toBe('yes');
      expect(service('ProtectSystem')).toBe('strict');
      expect(service('KillSignal')).toBe('SIGTERM');
      // The workers are not signalled with the node: they carry media through the drain.
      expect(service('KillMode')).toBe('mixed');
      expect(service('Restart')).toBe('on-failure');
      expect(Number(service('LimitNOFILE'))).toBeGreaterThanOrEqual(65536);
      expect(service('CapabilityBoundingSet')).toBe('');
    });
  }

  it('stop timeouts outlast the drains the env examples give', () => {
    const signalingEnv = parseEnvFile(readRepoFile(processes.signaling.envExample));
    const sfuEnv = parseEnvFile(readRepoFile(processes.sfu.envExample));
    const signalingDrain = loadConfig(filled(signalingEnv.set)).drainMs / 1000;
    const sfuDrain = loadSfuNodeConfig(filled(sfuEnv.set)).drainTimeoutMs / 1000;
    expect(signalingDrain).toBe(defaults.signaling.drainMs / 1000);
    expect(sfuDrain).toBe(defaults.sfu.drainTimeoutMs / 1000);
    // Ten seconds or more for the stop itself after the drain.
    expect(Number(unitValue(units.signaling, 'Service', 'TimeoutStopSec'))).toBeGreaterThanOrEqual(
      signalingDrain + 10,
    );
    expect(Number(unitValue(units.sfu, 'Service', 'TimeoutStopSec'))).toBeGreaterThanOrEqual(
      sfuDrain + 10,
    );
  });

  it("the signaling node's DATA_DIR is the one path it may write", () => {
    const env = parseEnvFile(readRepoFile(processes.signaling.envExample));
    expect(units.signaling.get('Service')?.get('ReadWritePaths')).toEqual([
      env.set.get('DATA_DIR'),
    ]);
    expect(unitValue(units.signaling, 'Service', 'StateDirectory')).toBe('veche');
    expect(env.set.get('DATA_DIR')).toBe('/var/lib/veche');
  });

  it('pass systemd-analyze verify', (context) => {
    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.error || analyze.status !== 0) {
      console.log('skipped: systemd-analyze verify: systemd-analyze is not installed');
      context.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'veche-units-'));
    try {
      const files = Object.values(processes).map((p) => {
        const file = join(dir, p.unit.split('/').at(-1)!);
        writeFileSync(file, readRepoFile(p.unit));
        return file;
      });
      const run = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], {
        encoding: 'utf8',
      });
      const lines = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
      if (lines.some((l) => /Failed to (initialize|set up|setup|create) manager/i.test(l))) {
        console.log(`skipped: systemd-analyze verify cannot run here: ${lines.join(' ')}`);
        context.skip();
      }
      // What only the target host has: Node at /usr/bin/node (the unit's
      // ExecStart). Everything else it reports — an unknown key, a bad value —
      // is a fault in the unit.
      const hostOnly = /Command \/usr\/bin\/node is not executable/;
      expect(lines.filter((l) => !hostOnly.test(l))).toEqual([]);
      if (!lines.some((l) => hostOnly.test(l))) expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- Kubernetes ---------------------------------------------------------

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      fieldRef?: { fieldPath: string };
      secretKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
}
interface PodSpec {
  hostNetwork?: boolean;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
interface Workload extends Manifest {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

const kustomization = parseYaml(readRepoFile('infra/k8s/kustomization.yaml')) as {
  namespace: string;
  resources: string[];
  images: { name: string }[];
};
const manifests = readManifests(kustomization.resources);
const find = <T extends Manifest = Manifest>(kind: string, name: string): T => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in infra/k8s`);
  return found as T;
};
const data = (m: Manifest): Record<string, string> =>
  (m['data'] ?? m['stringData'] ?? {}) as Record<string, string>;
/** Secrets the operator makes outside the manifests: each is named in kustomization.yaml. */
const kustomizationText = readRepoFile('infra/k8s/kustomization.yaml');
const providedByOperator = (secretName: string) =>
  new RegExp(`^#\\s+- ${secretName}\\b`, 'm').test(kustomizationText);

const portOf = (container: Container, port: number | string): number => {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`${container.name} has no port named ${port}`);
  return named.containerPort;
};

/**
 * The environment a container gets: its ConfigMaps' data, its own entries,
 * field references as the kubelet fills them for `node` and `hostIP`, secret
 * keys (placeholders replaced), and $(NAME) references expanded.
 */
function containerEnv(container: Container, pod: { node: string; hostIP: string }) {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, data(find('ConfigMap', from.configMapRef.name)));
    if (from.secretRef) Object.assign(env, filled(data(find('Secret', from.secretRef.name))));
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom;
    if (ref?.fieldRef) {
      const fields: Record<string, string> = {
        'spec.nodeName': pod.node,
        'status.hostIP': pod.hostIP,
      };
      env[entry.name] = fields[ref.fieldRef.fieldPath] ?? '';
    } else if (ref?.secretKeyRef) {
      const value = data(find('Secret', ref.secretKeyRef.name))[ref.secretKeyRef.key];
      if (value === undefined) throw new Error(`no key ${ref.secretKeyRef.key}`);
      env[entry.name] = filled({ v: value })['v']!;
    } else {
      env[entry.name] = (entry.value ?? '').replace(
        /\$\(([A-Z0-9_]+)\)/g,
        (_, n: string) => env[n] ?? '',
      );
    }
  }
  return env;
}

const sfuWorkload = () => find<Workload>('DaemonSet', 'veche-sfu');
const signalingWorkload = () => find<Workload>('Deployment', 'veche-signaling');
const only = (w: Workload) => {
  expect(w.spec.template.spec.containers).toHaveLength(1);
  return w.spec.template.spec.containers[0]!;
};

describe('the Kubernetes manifests', () => {
  it('kustomization.yaml lists every manifest in infra/k8s, and they parse', () => {
    const files = readdirSync(join(repoRoot, 'infra/k8s')).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe('veche');
    expect(manifests.length).toBeGreaterThan(5);
  });

  it('each object passes the Kubernetes API schema of its kind, with no unknown field', async () => {
    for (const manifest of manifests) {
      const { errors, unknownFields } = await checkAgainstSchema(manifest);
      expect(errors, `${manifest.file}: ${manifest.kind} ${manifest.metadata.name}`).toEqual([]);
      expect(unknownFields, `${manifest.file}: ${manifest.kind} ${manifest.metadata.name}`).toEqual(
        [],
      );
    }
  });

  it('the schema check finds a misspelt field (it would otherwise be dropped silently)', async () => {
    const sfu = structuredClone(sfuWorkload()) as Workload;
    const spec = sfu.spec.template.spec as unknown as Record<string, unknown>;
    spec['hostNetwrok'] = true;
    expect((await checkAgainstSchema(sfu)).unknownFields).toEqual([
      'DaemonSet.spec.template.spec.hostNetwrok',
    ]);
  });

  it('names only variables the processes read, from objects that exist', () => {
    for (const [workload, names] of [
      [signalingWorkload(), processes.signaling.names],
      [sfuWorkload(), processes.sfu.names],
    ] as const) {
      const container = only(workload);
      const env = containerEnv(container, { node: 'node-a', hostIP: '10.0.0.11' });
      expect(
        Object.keys(env).filter((n) => !names.has(n)),
        workload.metadata.name,
      ).toEqual([]);
    }
    for (const workload of manifests.filter((m) => 'spec' in m && m.kind !== 'Service')) {
      const pod = (workload as Workload).spec.template?.spec;
      for (const volume of pod?.volumes ?? []) {
        if (!volume.secret) continue;
        const name = volume.secret.secretName;
        const inManifests = manifests.some((m) => m.kind === 'Secret' && m.metadata.name === name);
        expect(inManifests || providedByOperator(name), `Secret ${name}`).toBe(true);
      }
    }
  });

  it('the shared Secret holds placeholders and the operator database and Redis addresses', () => {
    const secrets = new Map(Object.entries(data(find('Secret', 'veche-secrets'))));
    checkSecretsArePlaceholders(secrets, 'secrets.yaml');
    for (const name of ['JWT_SECRET', 'INVITE_SECRET', 'RESUME_SECRET', 'AUDIT_CHECKPOINT_KEY']) {
      expect(secrets.has(name), name).toBe(true);
    }
    for (const name of ['SFU_SECRET', 'TURN_SECRET', 'METRICS_TOKEN', ...URLS_WITH_PASSWORDS]) {
      expect(secrets.has(name), name).toBe(true);
    }
  });

  it('signaling pods: a valid configuration on the default port, probes, a grace longer than the drain', () => {
    const workload = signalingWorkload();
    const container = only(workload);
    expect(container.command).toEqual(['node', 'infra/start.mjs']);
    const config = loadConfig(containerEnv(container, { node: 'node-a', hostIP: '10.0.0.11' }));
    expect(config).toMatchObject({ mode: 'production', trustProxy: true });
    expect(config.port).toBe(defaults.signaling.port);
    expect(container.ports?.map((p) => [p.containerPort, p.protocol])).toEqual([
      [config.port, 'TCP'],
    ]);
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(portOf(container, container.readinessProbe!.httpGet!.port)).toBe(config.port);
    expect(portOf(container, container.livenessProbe!.httpGet!.port)).toBe(config.port);
    // The preStop pause, then the drain, then the stop itself.
    const pause = Number(container.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
    expect(workload.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      pause + config.drainMs / 1000 + 10,
    );

    const service = find('Service', 'veche-signaling') as Manifest & {
      spec: {
        selector: Record<string, string>;
        ports: { targetPort: string }[];
        sessionAffinity?: string;
      };
    };
    expect(workload.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(portOf(container, service.spec.ports[0]!.targetPort)).toBe(config.port);
    expect(service.spec.sessionAffinity ?? 'None').toBe('None');
  });

  it('SFU pods: on the host network, the default media, internal and pipe ports, drained before they stop', () => {
    const workload = sfuWorkload();
    const pod = workload.spec.template.spec;
    const container = only(workload);
    expect(container.command).toEqual(['node', 'infra/sfu.mjs']);
    expect(pod.hostNetwork).toBe(true);
    const config = loadSfuNodeConfig(
      containerEnv(container, { node: 'node-a', hostIP: '10.0.0.11' }),
    );
    // The node's name, from the Kubernetes node.
    expect(config.nodeId).toBe('node-a');
    expect(config.registry?.publicUrl).toBe('https://10.0.0.11:7100');
    expect(config.internal.port).toBe(defaults.sfu.internal.port);
    expect(config.media.rtcPort).toBe(defaults.sfu.media.rtcPort);
    expect(config.pipe.portRange).toEqual(defaults.sfu.pipe.portRange);
    // Declared: the internal port (TCP), and per worker RTC_PORT + i on UDP and TCP.
    const media = Array.from({ length: config.media.workers }, (_, i) => config.media.rtcPort + i);
    expect((container.ports ?? []).map((p) => `${p.containerPort}/${p.protocol}`).sort()).toEqual(
      [`${config.internal.port}/TCP`, ...media.flatMap((p) => [`${p}/UDP`, `${p}/TCP`])].sort(),
    );
    const scheme = config.internal.tls ? 'HTTPS' : 'HTTP';
    expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', scheme });
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', scheme });
    expect(portOf(container, container.readinessProbe!.httpGet!.port)).toBe(config.internal.port);
    expect(container.lifecycle?.preStop?.exec?.command.join(' ')).toContain('kill -TERM 1');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      config.drainTimeoutMs / 1000 + 10,
    );
  });

  it('coturn pods: on the host network, the default TURN ports, the generated configuration', () => {
    const workload = find<Workload>('DaemonSet', 'veche-coturn');
    const container = only(workload);
    expect(workload.spec.template.spec.hostNetwork).toBe(true);
    expect((container.ports ?? []).map((p) => `${p.containerPort}/${p.protocol}`).sort()).toEqual(
      [
        `${defaults.turn.listenPort}/UDP`,
        `${defaults.turn.listenPort}/TCP`,
        `${defaults.turn.tlsPort}/TCP`,
      ].sort(),
    );
    expect(portOf(container, container.livenessProbe!.tcpSocket!.port)).toBe(
      defaults.turn.listenPort,
    );
    const config = workload.spec.template.spec.volumes?.find((v) => v.name === 'config');
    expect(config?.secret?.secretName).toBe('veche-coturn-config');
    expect(readRepoFile('infra/k8s/coturn.yaml')).toContain('npm run --silent turn -- config');
  });

  it('every workload has a PodDisruptionBudget over its pods; the images are the kustomization’s', () => {
    for (const workload of [signalingWorkload(), sfuWorkload()]) {
      const budget = manifests.find(
        (m) =>
          m.kind === 'PodDisruptionBudget' &&
          Object.entries(
            (m as Manifest & { spec: { selector: { matchLabels: Record<string, string> } } }).spec
              .selector.matchLabels,
          ).every(([k, v]) => workload.spec.template.metadata.labels[k] === v),
      );
      expect(budget, workload.metadata.name).toBeDefined();
      expect(only(workload).image.split(':')[0]).toBe(kustomization.images[0]!.name);
    }
    const ingress = find('Ingress', 'veche') as Manifest & {
      spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
    };
    expect(ingress.spec.rules[0]!.http.paths[0]!.backend.service.name).toBe('veche-signaling');
  });
});

describe('probe paths', () => {
  it('are the paths the signaling node and the SFU node serve', () => {
    for (const file of ['signaling/http/server.ts', 'sfu/node/endpoint.ts']) {
      const source = readRepoFile(file);
      expect(source, file).toMatch(/'\/healthz'/);
      expect(source, file).toMatch(/'\/readyz'/);
    }
  });
});
