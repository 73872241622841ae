/**
 * SIGTERM/SIGINT for the app and worker processes: the first signal runs the graceful shutdown
 * (stop taking jobs, wait up to the grace period, requeue what is still running) and exits; a
 * second signal exits at once (an operator who presses Ctrl-C twice means it).
 */
import type { Logger } from "pino";

export interface SignalHandlerOptions {
  log: Logger;
  /** The graceful shutdown, e.g. `() => queue.close(graceMs)`. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  signals?: NodeJS.Signals[];
  /** Injected by tests; `process.exit` by default. */
  exit?: (code: number) => void;
}

/** Returns a function that removes the handlers again. */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  const { log, shutdown, signals = ["SIGTERM", "SIGINT"], exit = (code: number) => process.exit(code) } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal during shutdown; exiting now");
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal }, "shutting down: no new jobs, waiting for running ones");
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
