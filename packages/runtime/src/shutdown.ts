import type { Logger } from "pino";

export interface ShutdownStep {
  name: string;
  close: () => Promise<void> | void;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Closed in order on SIGTERM/SIGINT (listeners first, state last). */
  steps: readonly ShutdownStep[];
  /** After this long the process exits even if a step hangs. */
  timeoutMs?: number;
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown: on SIGTERM or SIGINT run every step in order, then exit 0 (1 if a step failed); the same
 * signal a second time, or the timeout, exits at once with 1. Returns the function that runs the same sequence on demand.
 */
export function installShutdown(opts: ShutdownOptions): (reason: string) => Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;
  const run = (reason: string): Promise<void> => {
    if (running) return running;
    opts.logger.info({ reason }, "shutting down");
    const timer = setTimeout(() => {
      opts.logger.error({ timeoutMs: opts.timeoutMs ?? 10_000 }, "shutdown timed out");
      exit(1);
    }, opts.timeoutMs ?? 10_000);
    timer.unref();
    running = (async () => {
      let code = 0;
      for (const step of opts.steps) {
        try {
          await step.close();
        } catch (err) {
          code = 1;
          opts.logger.error({ err, step: step.name }, "shutdown step failed");
        }
      }
      clearTimeout(timer);
      opts.logger.info("stopped");
      opts.logger.flush?.();
      exit(code);
    })();
    return running;
  };
  let first: NodeJS.Signals | undefined;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (first === undefined) {
        first = signal;
        void run(signal);
      } else if (signal === first) {
        // The same signal again (Ctrl-C twice): the operator wants out now.
        exit(1);
      } else {
        // The other signal while stopping, e.g. Ctrl-C reaching the whole process group and a supervisor's
        // SIGTERM: the graceful shutdown already under way goes on.
        opts.logger.info({ signal }, "already shutting down");
      }
    });
  }
  return run;
}
