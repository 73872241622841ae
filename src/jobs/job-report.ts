/**
 * What an operator needs to know about one job, gathered while it runs and written once when it
 * ends: the `job finished` log line (outcome, reason, repository, issue/PR, PR URL, turns, tokens,
 * cost, duration) and, while it runs, the progress the status page shows (`/api/runs`).
 *
 * Tasks add facts with `job.report({...})`; the queue persists the running total (throttled) so a
 * web process can show jobs that run in a worker process. Nothing here is posted to GitHub: the
 * reason is the operator's text (error code plus message, secrets redacted), not the user's.
 */
import type { Logger } from "pino";
import { isAppError } from "../shared/errors.js";
import { redactSecrets } from "../shared/redact.js";
import type { JobFacts, JobInfo, JobOutcome, JsonValue } from "./types.js";

export type { JobFacts } from "./types.js";

/** Every job payload carries `owner`, `repo` and the issue or PR number (`issueNumber` / `prNumber`). */
export function subjectOf(payload: { [key: string]: JsonValue }): Pick<JobFacts, "repo" | "number"> {
  const out: Pick<JobFacts, "repo" | "number"> = {};
  if (typeof payload.owner === "string" && typeof payload.repo === "string") out.repo = `${payload.owner}/${payload.repo}`;
  const number = payload.issueNumber ?? payload.prNumber ?? payload.number;
  if (typeof number === "number") out.number = number;
  return out;
}

/** The operator's reason for a thrown value: code and message (with its causes), redacted. */
export function failureFacts(error: unknown, secrets: readonly string[] = []): Pick<JobFacts, "errorCode" | "errorMessage"> {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== undefined && e !== null; depth++) {
    const text = e instanceof Error ? e.message : String(e);
    if (text && !parts.includes(text)) parts.push(text);
    e = e instanceof Error ? e.cause : undefined;
  }
  return {
    errorCode: isAppError(error) ? error.code : "internal",
    errorMessage: redactSecrets(parts.join(": caused by: ") || "unknown error", secrets).slice(0, 2000),
  };
}

export interface JobReport {
  readonly facts: Readonly<JobFacts>;
  add(facts: JobFacts): void;
  /** Flush the throttled progress write now. */
  flush(): Promise<void>;
}

/**
 * Facts start from the payload; `persist` (the queue's progress write) is called at most once per
 * `intervalMs`, and always with the latest facts.
 */
export function createJobReport(info: Pick<JobInfo, "payload">, persist?: (facts: JobFacts) => Promise<void>, intervalMs = 1000): JobReport {
  const facts: JobFacts = { ...subjectOf(info.payload), startedAt: Date.now() };
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    timer = undefined;
    lastWrite = Date.now();
    const snapshot = { ...facts };
    writing = writing.then(() => persist?.(snapshot)).catch(() => undefined);
    return writing;
  };
  return {
    facts,
    add(more) {
      Object.assign(facts, more);
      if (!persist || timer) return;
      const wait = Math.max(0, intervalMs - (Date.now() - lastWrite));
      timer = setTimeout(() => void write(), wait);
      timer.unref?.();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      if (persist) await write();
    },
  };
}

const QUIET_OUTCOMES = new Set<JobOutcome>(["succeeded", "no_changes", "cancelled"]);

/** The one line an operator greps for: every job's end, with why and what it cost. */
export function logJobFinished(log: Logger, outcome: JobOutcome, seconds: number, facts: JobFacts): void {
  const { step: _step, startedAt: _startedAt, errorCode, errorMessage, ...rest } = facts;
  const line = {
    outcome,
    seconds: Math.round(seconds * 100) / 100,
    ...rest,
    ...(facts.costUsd === null ? { costUsd: "unknown" } : {}),
    ...(errorCode || errorMessage ? { reason: { code: errorCode ?? "internal", message: errorMessage ?? "" } } : {}),
  };
  if (QUIET_OUTCOMES.has(outcome)) log.info(line, "job finished");
  else if (outcome === "budget_exhausted") log.warn(line, "job finished");
  else log.error(line, "job finished");
}
