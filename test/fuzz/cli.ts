// `npm run fuzz -- --messages N [--seed S] [--target socket|rest|sfu]`: the
// full fuzzing run. Prints the seed first (a failing run is repeated with
// --seed), a table per target, and each finding with its exact input; with
// --findings FILE, the findings are also written there as JSON, ready to be
// kept in test/fuzz/corpus/. Exits 1 when anything was found.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFuzz } from './engine.js';
import { freshSeed } from '../harness/random.js';
import { formatReport } from './report.js';
import type { TargetName } from './targets/common.js';

const TARGETS: readonly TargetName[] = ['socket', 'rest', 'sfu'];

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    seed: { type: 'string' },
    target: { type: 'string', multiple: true },
    findings: { type: 'string' },
    'no-corpus': { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const seed = values.seed === undefined ? freshSeed() : Number(values.seed);
const targets = (values.target ?? [...TARGETS]) as TargetName[];
if (!Number.isInteger(messages) || messages < 10) {
  console.error('--messages takes a whole number, at least 10 (messages per target)');
  process.exit(2);
}
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
  console.error('--seed takes a whole number between 0 and 4294967295');
  process.exit(2);
}
const unknown = targets.filter((t) => !TARGETS.includes(t));
if (unknown.length > 0) {
  console.error(`unknown --target ${unknown.join(', ')}: use ${TARGETS.join(', ')}`);
  process.exit(2);
}

console.log(`seed ${seed}, ${messages} messages per target, targets ${targets.join(', ')}`);
const report = await runFuzz({
  messages,
  seed,
  targets,
  corpus: !values['no-corpus'],
  log: (line) => console.log(`… ${line}`),
});
console.log('');
console.log(formatReport(report));
if (values.findings) {
  writeFileSync(values.findings, `${JSON.stringify(report.findings, null, 2)}\n`);
  console.log(`findings written to ${values.findings}`);
}
process.exit(report.findings.length === 0 ? 0 : 1);
