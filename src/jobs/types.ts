/**
 * The queue contract between handlers (which enqueue in milliseconds) and tasks (which run for
 * minutes). Handlers and tasks depend on these types only; `embedded-queue.ts` (node:sqlite) and
 * `bullmq-queue.ts` (Redis) implement them.
 */
import type { Logger } from "pino";

export const JOB_KINDS = ["resolve-issue", "fix-pr", "security-review"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface EnqueueRequest {
  kind: JobKind;
  /** Serialization key: one running job per key, e.g. `octo/repo#12`. */
  key: string;
  /** `X-GitHub-Delivery` of the webhook; a redelivery with the same id never creates a second job. */
  deliveryId: string;
  /** Everything the task needs, JSON-serializable (installation id, repo, number, sender...). */
  payload: { [key: string]: JsonValue };
  /** Overrides the queue's default attempt limit. */
  maxAttempts?: number;
  /**
   * Coalesce: jobs of the same key and kind that are still waiting (not started) are dropped first,
   * so at most one waits per key and kind and the newest request wins (automatic security reviews:
   * a newer PR head replaces the older queued review).
   */
  replaceQueued?: boolean;
}

export interface EnqueueResult {
  jobId: string;
  /** `duplicate`: this delivery id was seen before and nothing new was queued. */
  status: "enqueued" | "duplicate";
  /** Jobs ahead of this one for the same key (0 when it can start at once). */
  position: number;
  /** Waiting jobs dropped by `replaceQueued`. */
  replaced?: number;
}

/** Narrows `cancel`: only the jobs a given user started (their payload's `requester.id`). */
export interface CancelFilter {
  requesterId: number;
}

export type JobOutcome = "succeeded" | "failed" | "cancelled" | "no_changes" | "budget_exhausted";

export interface JobContext {
  id: string;
  kind: JobKind;
  key: string;
  deliveryId: string;
  payload: { [key: string]: JsonValue };
  /** 1 on the first run; higher after a crash or a retryable failure. */
  attempt: number;
  maxAttempts: number;
  /** Aborted on cancel and on shutdown past the grace period. */
  signal: AbortSignal;
  /** Child logger that carries the job id on every line. */
  log: Logger;
  /** Steering messages (`/agent <text>` during a run) received since the last call. */
  takeMessages(): string[];
  /**
   * Facts for the operator (repository, PR URL, turns, tokens, cost, failure reason): merged into
   * the job's `job finished` log line and shown live on the status page.
   */
  report(facts: JobFacts): void;
  /**
   * Jobs of the same key and kind waiting behind this one (with `replaceQueued` at most one): a
   * security review whose PR moved on leaves the new head to the review that waits for it.
   */
  waitingBehind?: () => Promise<number>;
}

export type JobHandler = (job: JobContext) => Promise<JobOutcome>;

export interface JobQueue {
  enqueue(request: EnqueueRequest): Promise<EnqueueResult>;
  /** Cancel the running and queued jobs of a key (or only those `filter` selects). Returns how many were cancelled. */
  cancel(key: string, filter?: CancelFilter): Promise<number>;
  /** Queued and running jobs of a key. */
  pending(key: string): Promise<number>;
  /** Jobs of a key and kind waiting to start (not running). */
  waiting(key: string, kind: JobKind): Promise<number>;
  /**
   * Ids of the jobs running right now in any process sharing this queue (the same sqlite file or
   * Redis): the workspace sweeper keeps their directories whatever their age.
   */
  liveJobIds(): Promise<string[]>;
  /** Hand a message to the job running for `key`. Returns false when none is running. */
  steer(key: string, message: string): Promise<boolean>;
  /** Whether this delivery id already created a job (handlers skip redeliveries before posting anything). */
  hasDelivery(deliveryId: string): Promise<boolean>;
  /** Whether a job for `key` is running right now. */
  isRunning(key: string): Promise<boolean>;
  /** Start working jobs in this process (embedded mode, or `npm run worker`). */
  startWorker(handler: JobHandler): Promise<void>;
  /** Jobs waiting to start. */
  depth(): Promise<number>;
  /** Whether the queue can take jobs now, answered within about 1.5 s (health endpoints). */
  probe(): Promise<QueueProbe>;
  /** Running and queued jobs, and the newest `finished` finished ones (status page). */
  list(options?: { finished?: number }): Promise<JobListing>;
  /** Stop taking jobs; let running ones finish for up to `graceMs`, then cancel and requeue them. */
  close(graceMs?: number): Promise<void>;
}

/** What the queue knows about a job, without the per-run parts of JobContext. */
export interface JobInfo {
  id: string;
  kind: JobKind;
  key: string;
  deliveryId: string;
  payload: { [key: string]: JsonValue };
  attempt: number;
  maxAttempts: number;
}

/**
 * Called when the queue gives up on a job on its own: the worker died mid-run and no attempts
 * remain, or the handler threw and may not be retried. `reason` is safe to post to the user.
 * Outcomes the handler returns itself (including "failed") do not call this: the task already
 * told the user.
 */
export type GiveUpHook = (job: JobInfo, reason: string) => void | Promise<void>;

/** One job as the status page shows it. */
export interface ListedJob {
  id: string;
  kind: JobKind;
  key: string;
  state: "queued" | "running" | "finished";
  attempt: number;
  /** ms since the epoch. */
  enqueuedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** The job's outcome, or `error` when the queue gave up on it. */
  outcome: JobOutcome | "error" | null;
  /** Repository, issue/PR, turns, tokens, cost, PR URL, failure reason, as far as known. */
  facts: JobFacts;
}

export interface JobListing {
  running: ListedJob[];
  queued: ListedJob[];
  finished: ListedJob[];
}

export interface QueueProbe {
  ok: boolean;
  mode: "embedded" | "bullmq";
  depth?: number;
  /** Why it cannot take jobs (no secrets: the health endpoints are public). */
  error?: string;
}

/** What the operator is told about a job (see job-report.ts): its log line and the status page. */
export interface JobFacts {
  /** `owner/name`. */
  repo?: string;
  /** The issue or pull request the job is about. */
  number?: number;
  /** The pull request the job opened, updated or pushed to. */
  prUrl?: string;
  /** What the job is doing right now (status page). */
  step?: string;
  turns?: number;
  tokens?: number;
  /** Model spend so far; null when the model has no price (shown as "cost unknown"). */
  costUsd?: number | null;
  /** Why the job failed, for the operator: an error code (`model/request-failed`...) and its message. */
  errorCode?: string;
  errorMessage?: string;
  /** ms since the epoch: when this attempt started. */
  startedAt?: number;
}
