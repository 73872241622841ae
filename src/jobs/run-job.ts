/**
 * Runs one attempt of a job: builds its JobContext (child logger carrying the job id, signal,
 * steering inbox), calls the handler, and times it. Both queue implementations use it, so a job
 * behaves the same embedded or on BullMQ. It never throws: a handler error comes back as a value
 * and the queue decides between retry, give-up and requeue.
 */
import type { Logger } from "pino";
import type { JobMetrics } from "./metrics.js";
import type { JobHandler, JobInfo, JobOutcome } from "./types.js";

export type RunJobResult =
  | { type: "outcome"; outcome: JobOutcome; seconds: number }
  | { type: "error"; error: unknown; seconds: number };

export interface RunJobInput {
  info: JobInfo;
  handler: JobHandler;
  /** Already a child logger of the job (see `jobLogger`). */
  log: Logger;
  signal: AbortSignal;
  takeMessages: () => string[];
  waitingBehind?: () => Promise<number>;
  metrics?: JobMetrics | undefined;
}

/** The logger every line of a job goes through: it carries the job id, kind, key and attempt. */
export function jobLogger(log: Logger, info: JobInfo): Logger {
  return log.child({ jobId: info.id, jobKind: info.kind, jobKey: info.key, attempt: info.attempt });
}

export async function runJob(input: RunJobInput): Promise<RunJobResult> {
  const { info, log } = input;
  const started = performance.now();
  input.metrics?.jobsStarted.inc({ kind: info.kind });
  log.info({ maxAttempts: info.maxAttempts, deliveryId: info.deliveryId }, "job started");
  try {
    const outcome = await input.handler({
      ...info,
      signal: input.signal,
      log,
      takeMessages: input.takeMessages,
      ...(input.waitingBehind ? { waitingBehind: input.waitingBehind } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    log.info({ outcome, seconds }, "job finished");
    return { type: "outcome", outcome, seconds };
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    log.warn({ err: error, seconds }, "job threw");
    return { type: "error", error, seconds };
  }
}
