// Running Debian's ffmpeg, which makes the load bots' media files. A missing
// binary is a setup problem, so the error says which tool and how to get it.
import { execFile } from 'node:child_process';

export const FFMPEG_MISSING =
  'ffmpeg is not on PATH: the load media (VP8 simulcast and Opus clips) is generated with it. ' +
  'Install it with `npm run setup` (or `apt-get install ffmpeg`).';

export interface Ffmpeg {
  /** The binary run (a name found on PATH, or a path). */
  readonly command: string;
  /** The first line of `ffmpeg -version`: part of the cache key, so a new ffmpeg regenerates. */
  version(): Promise<string>;
  /** Runs ffmpeg with `args`; rejects with its error output when it fails. */
  run(args: readonly string[], timeoutMs?: number): Promise<void>;
}

interface Result {
  stdout: string;
  stderr: string;
}

function exec(command: string, args: readonly string[], timeoutMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
        } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error(FFMPEG_MISSING));
        } else {
          const detail = stderr.trim().split('\n').slice(-5).join('\n');
          reject(new Error(`${command} ${args.join(' ')} failed: ${detail || error.message}`));
        }
      },
    );
  });
}

export function createFfmpeg(command = 'ffmpeg'): Ffmpeg {
  let version: Promise<string> | undefined;
  return {
    command,
    version() {
      version ??= exec(command, ['-hide_banner', '-version'], 10_000).then(
        (result) => result.stdout.split('\n')[0]?.trim() ?? '',
      );
      return version;
    },
    async run(args, timeoutMs = 180_000) {
      await exec(command, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], timeoutMs);
    },
  };
}
