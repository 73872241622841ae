/**
 * Runs one attempt of a job: builds its JobContext (child logger carrying the job id, signal,
 * steering inbox, report), calls the handler, and times it. Both queue implementations use it, so
 * a job behaves the same embedded or on BullMQ. It never throws: a handler error comes back as a
 * value and the queue decides between retry, give-up and requeue.
 *
 * Every attempt ends with one line for the operator: `job finished` (outcome, reason, repository,
 * issue/PR, PR URL, turns, tokens, cost, seconds) or, when the handler threw, `job attempt failed`
 * with the same facts and the error's code and message.
 */
import type { Logger } from "pino";
import { createJobReport, failureFacts, logJobFinished, type JobFacts } from "./job-report.js";
import type { JobMetrics } from "./metrics.js";
import type { JobHandler, JobInfo, JobOutcome } from "./types.js";

export type RunJobResult =
  { type: "outcome"; outcome: JobOutcome; seconds: number; facts: JobFacts } | { type: "error"; error: unknown; seconds: number; facts: JobFacts };

export interface RunJobInput {
  info: JobInfo;
  handler: JobHandler;
  /** Already a child logger of the job (see `jobLogger`). */
  log: Logger;
  signal: AbortSignal;
  takeMessages: () => string[];
  waitingBehind?: () => Promise<number>;
  metrics?: JobMetrics | undefined;
  /** Where the queue keeps the running job's facts for the status page (throttled). */
  persistReport?: ((facts: JobFacts) => Promise<void>) | undefined;
}

/** The logger every line of a job goes through: it carries the job id, kind, key and attempt. */
export function jobLogger(log: Logger, info: JobInfo): Logger {
  return log.child({ jobId: info.id, jobKind: info.kind, jobKey: info.key, attempt: info.attempt });
}

export async function runJob(input: RunJobInput): Promise<RunJobResult> {
  const { info, log } = input;
  const started = performance.now();
  const report = createJobReport(info, input.persistReport);
  input.metrics?.jobsStarted.inc({ kind: info.kind });
  log.info({ maxAttempts: info.maxAttempts, deliveryId: info.deliveryId, ...report.facts }, "job started");
  try {
    const outcome = await input.handler({
      ...info,
      signal: input.signal,
      log,
      takeMessages: input.takeMessages,
      report: (facts) => report.add(facts),
      ...(input.waitingBehind ? { waitingBehind: input.waitingBehind } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    await report.flush();
    logJobFinished(log, outcome, seconds, report.facts);
    return { type: "outcome", outcome, seconds, facts: { ...report.facts } };
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    report.add(failureFacts(error));
    await report.flush();
    const { errorCode, errorMessage, step: _step, ...facts } = report.facts;
    log.warn({ err: error, seconds, ...facts, reason: { code: errorCode, message: errorMessage } }, "job attempt failed");
    return { type: "error", error, seconds, facts: { ...report.facts } };
  }
}
