// Stopping what the composition root started: last started, first stopped;
// each step logged, and a failing step neither hides the error nor keeps the
// others from running.
import type { Logger } from './core/logger.js';

export interface StepStopper {
  add(name: string, stop: () => Promise<void>): void;
  /** Runs every step once; resolves to false when any failed. */
  stop(): Promise<boolean>;
}

export function createStepStopper(log: Logger): StepStopper {
  const steps: { name: string; stop: () => Promise<void> }[] = [];
  let stopping: Promise<boolean> | undefined;
  return {
    add(name, stop) {
      steps.push({ name, stop });
    },
    stop() {
      stopping ??= (async () => {
        let ok = true;
        for (const step of steps.reverse()) {
          try {
            await step.stop();
            log.info({ step: step.name }, 'stopped');
          } catch (error) {
            ok = false;
            log.error({ err: error, step: step.name }, 'failed to stop');
          }
        }
        return ok;
      })();
      return stopping;
    },
  };
}
