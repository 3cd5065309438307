// Runs the built command-line tools (`npm run admin` = infra/admin.mjs,
// `npm run turn` = infra/turn.mjs) as an operator would, with only the
// environment given: a token in the test's own environment cannot leak in.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const launcher = (name: 'admin' | 'turn') =>
  fileURLToPath(new URL(`../../infra/${name}.mjs`, import.meta.url));

export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const runAdmin = (args: string[], env: Record<string, string>) =>
  runTool('admin', args, env);

export const runTurn = (args: string[], env: Record<string, string>) => runTool('turn', args, env);

function runTool(
  name: 'admin' | 'turn',
  args: string[],
  env: Record<string, string>,
): Promise<AdminRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [launcher(name), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
