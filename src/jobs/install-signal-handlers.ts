/**
 * SIGTERM/SIGINT for the app and worker processes: the first signal runs the graceful shutdown
 * (stop taking jobs, wait up to the grace period, requeue what is still running) and exits; a
 * second signal exits at once (an operator who presses Ctrl-C twice means it). With `deadlineMs`,
 * a shutdown that is still not done by then (a Redis that never answers, a stuck close) is cut
 * short with exit code 1 and one line saying so: SIGTERM always ends the process.
 */
import type { Logger } from "pino";

export interface SignalHandlerOptions {
  log: Logger;
  /** The graceful shutdown, e.g. `() => queue.close(graceMs)`. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  signals?: NodeJS.Signals[];
  /** Injected by tests; `process.exit` by default. */
  exit?: (code: number) => void;
  /** Exit 1 if the graceful shutdown has not finished this long after the first signal. */
  deadlineMs?: number;
}

/** Returns a function that removes the handlers again. */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  const { log, shutdown, signals = ["SIGTERM", "SIGINT"], exit = (code: number) => process.exit(code), deadlineMs } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal during shutdown; exiting now");
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal, ...(deadlineMs !== undefined ? { deadlineSeconds: deadlineMs / 1000 } : {}) }, "shutting down: no new jobs, waiting for running ones");
    if (deadlineMs !== undefined) {
      const deadline = setTimeout(() => {
        log.error({ signal, deadlineSeconds: deadlineMs / 1000 }, "shutdown did not finish in time; exiting now (running jobs are retried by the queue)");
        exit(1);
      }, deadlineMs);
      deadline.unref();
    }
    shutdown(signal).then(
      () => {
        log.info("shutdown complete");
        exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/** The grace period for running jobs plus 10 s for the bounded closing steps (queue, Redis, HTTP). */
export function shutdownDeadlineMs(graceSeconds: number): number {
  return (graceSeconds + 10) * 1000;
}
