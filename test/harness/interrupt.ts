// A command-line run (soak, chaos) interrupted with Ctrl-C or SIGTERM still
// stops every process it started: it says so, runs the stop it was given
// once its deployment was up, and exits 130.
export interface Interruptible {
  /** The run's deployment is up: this stops it. */
  started(stop: () => Promise<unknown>): void;
  /** Stops what was started (if anything) and exits with `code`. */
  stopAndExit(code: number): void;
}

export function stopOnInterrupt(): Interruptible {
  let stopAll: (() => Promise<unknown>) | undefined;
  const stopAndExit = (code: number) => {
    void (stopAll?.() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the deployment…\n`);
      stopAndExit(130);
    });
  }
  return {
    started(stop) {
      stopAll = stop;
    },
    stopAndExit,
  };
}
