/**
 * The default queue: durable in `<AGENT_DATA_DIR>/queue.sqlite`, worked by the app process itself.
 *
 * Policy for a second trigger on a key that already has a job (e.g. `/agent fix` while the issue
 * run is going): it waits. Jobs of one key run one at a time in enqueue order; `cancel(key)` is how
 * a user drops the current one. Waiting (rather than replacing) never throws away an instruction.
 *
 * Crash recovery: a job left "running" by a process that is gone (same host and its pid is dead,
 * or no heartbeat for `staleMs`) is queued again from the start while attempts remain, else marked
 * failed and handed to `onGiveUp`. Shutdown requeues interrupted jobs WITHOUT burning the attempt:
 * a deploy is not the job's fault.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { CancelledError, isAppError, userMessageOf } from "../shared/errors.js";
import type { JobMetrics } from "./metrics.js";
import { settles } from "./settles.js";
import { subjectOf, type JobFacts } from "./job-report.js";
import { jobLogger, runJob, type RunJobResult } from "./run-job.js";
import { SqliteJobStore, type StoredJob } from "./sqlite-job-store.js";
import type {
  CancelFilter,
  EnqueueRequest,
  EnqueueResult,
  GiveUpHook,
  JobHandler,
  JobKind,
  JobListing,
  JobOutcome,
  JobQueue,
  ListedJob,
  QueueProbe,
} from "./types.js";

export interface EmbeddedQueueOptions {
  dataDir: string;
  log: Logger;
  concurrency: number;
  maxAttempts: number;
  /** Default grace for `close()` without an argument. */
  graceMs: number;
  metrics?: JobMetrics | undefined;
  onGiveUp?: GiveUpHook | undefined;
  /** How often to look for due jobs, refresh heartbeats and recover orphans (default 1000). */
  pollMs?: number;
  /** A running job with no heartbeat for this long is an orphan (default 60000). */
  staleMs?: number;
  /** Delay before retrying a retryable failure, multiplied by the attempt number (default 5000). */
  retryDelayMs?: number;
  /** How long finished jobs (and so their delivery ids) are kept (default 14 days). */
  retentionMs?: number;
}

interface Running {
  job: StoredJob;
  log: Logger;
  controller: AbortController;
  messages: string[];
  stop?: "cancel" | "shutdown";
  done: Promise<void>;
}

const SHUTDOWN_MESSAGE = "The app is shutting down; the job will restart from the beginning.";

export class EmbeddedQueue implements JobQueue {
  readonly owner = `${hostname()}|${process.pid}|${randomUUID()}`;
  private readonly store: SqliteJobStore;
  private readonly running = new Map<string, Running>();
  private handler: JobHandler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private closed = false;

  constructor(private readonly opts: EmbeddedQueueOptions) {
    this.store = new SqliteJobStore(opts.dataDir);
    opts.metrics?.setDepthSource(async () => (this.closed ? 0 : this.store.depth()));
    this.store.prune(Date.now() - (opts.retentionMs ?? 14 * 24 * 3600_000));
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const inserted = this.store.insert(randomUUID(), request, request.maxAttempts ?? this.opts.maxAttempts, Date.now());
    const job = inserted?.job ?? this.store.findByDelivery(request.deliveryId);
    if (!job) throw new Error(`job for delivery ${request.deliveryId} vanished while enqueueing`);
    const status = inserted ? "enqueued" : "duplicate";
    const replaced = inserted?.replaced.length ?? 0;
    this.opts.metrics?.jobsEnqueued.inc({ kind: request.kind, status });
    for (const old of inserted?.replaced ?? []) this.opts.metrics?.recordFinished(old.kind, "cancelled", 0);
    this.opts.log.info({ jobId: job.id, jobKind: job.kind, jobKey: job.key, deliveryId: request.deliveryId, status, replaced }, "job enqueue");
    if (inserted) queueMicrotask(() => this.pump());
    return { jobId: job.id, status, position: this.store.positionOf(job), replaced };
  }

  async cancel(key: string, filter?: CancelFilter): Promise<number> {
    const { queued, running } = this.store.cancelKey(key, Date.now(), filter?.requesterId ?? null);
    for (const job of queued) this.opts.metrics?.recordFinished(job.kind, "cancelled", 0);
    for (const job of running) this.stopLocal(job.id, "cancel");
    this.opts.log.info({ jobKey: key, queued: queued.length, running: running.length }, "jobs cancelled");
    return queued.length + running.length;
  }

  /** Steering is in memory: it reaches a job running in this process. */
  async steer(key: string, message: string): Promise<boolean> {
    for (const entry of this.running.values()) {
      if (entry.job.key === key && !entry.stop) {
        entry.messages.push(message);
        return true;
      }
    }
    return false;
  }

  async hasDelivery(deliveryId: string): Promise<boolean> {
    return this.store.findByDelivery(deliveryId) !== null;
  }

  async isRunning(key: string): Promise<boolean> {
    return this.store.isRunning(key);
  }

  async depth(): Promise<number> {
    return this.store.depth();
  }

  async pending(key: string): Promise<number> {
    return this.store.pending(key);
  }

  async waiting(key: string, kind: JobKind): Promise<number> {
    return this.store.waiting(key, kind);
  }

  /** Running in any process that opened the same queue file (the web process and `npm run worker`). */
  async liveJobIds(): Promise<string[]> {
    return this.store.running().map((job) => job.id);
  }

  async probe(): Promise<QueueProbe> {
    if (this.closed) return { ok: false, mode: "embedded", error: "the queue is closed" };
    return { ok: true, mode: "embedded", depth: this.store.depth() };
  }

  async list(options: { finished?: number } = {}): Promise<JobListing> {
    const { active, finished } = this.store.list(options.finished ?? 20);
    const listed = (job: StoredJob, state: ListedJob["state"]): ListedJob => {
      let facts: JobFacts = subjectOf(job.payload);
      if (job.report) facts = { ...facts, ...(JSON.parse(job.report) as JobFacts) };
      if (job.state === "failed" && job.error && !facts.errorMessage) facts = { ...facts, errorCode: "job/gave-up", errorMessage: job.error };
      const outcome = job.state === "failed" ? "error" : (job.outcome as JobOutcome | null);
      return {
        id: job.id,
        kind: job.kind,
        key: job.key,
        state,
        attempt: job.attempt,
        enqueuedAt: job.createdAt,
        startedAt: job.startedAt,
        finishedAt: job.finishedAt,
        outcome,
        facts,
      };
    };
    return {
      running: active.filter((j) => j.state === "running").map((j) => listed(j, "running")),
      queued: active.filter((j) => j.state === "queued").map((j) => listed(j, "queued")),
      finished: finished.map((j) => listed(j, "finished")),
    };
  }

  async startWorker(handler: JobHandler): Promise<void> {
    if (this.handler) throw new Error("startWorker was already called on this queue");
    this.handler = handler;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.pollMs ?? 1000);
  }

  async close(graceMs = this.opts.graceMs): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    clearInterval(this.timer);
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    if (this.running.size > 0) {
      this.opts.log.info({ running: this.running.size, graceMs }, "waiting for running jobs before shutdown");
      if (!(await settles(all(), graceMs))) {
        for (const entry of this.running.values()) this.stopLocal(entry.job.id, "shutdown");
        // A handler that ignores its signal is not waited for forever; its job is requeued below.
        await settles(all(), 5000);
      }
    }
    for (const entry of this.running.values()) this.store.requeue(entry.job.id, false, 0);
    this.closed = true;
    this.store.close();
  }

  /** Heartbeat, remote cancel requests, orphan recovery, then start what can start. */
  private tick(): void {
    if (this.closing) return;
    const now = Date.now();
    for (const id of this.store.heartbeat(this.owner, now)) this.stopLocal(id, "cancel");
    this.recoverOrphans(now);
    this.pump();
  }

  private pump(): void {
    if (!this.handler || this.closing) return;
    while (this.running.size < this.opts.concurrency) {
      const job = this.store.claim(this.owner, Date.now());
      if (!job) return;
      this.launch(job, this.handler);
    }
  }

  private launch(job: StoredJob, handler: JobHandler): void {
    const controller = new AbortController();
    const log = jobLogger(this.opts.log, job);
    const entry: Running = { job, log, controller, messages: [], done: Promise.resolve() };
    this.running.set(job.id, entry);
    const takeMessages = () => entry.messages.splice(0);
    const persistReport = async (facts: JobFacts) => {
      if (!this.closed) this.store.saveReport(job.id, JSON.stringify(facts));
    };
    const waitingBehind = () => this.waiting(job.key, job.kind);
    entry.done = runJob({ info: job, handler, log, signal: controller.signal, takeMessages, waitingBehind, metrics: this.opts.metrics, persistReport })
      .then((result) => this.settle(entry, result))
      .catch((error: unknown) => log.error({ err: error }, "recording the job result failed"))
      .finally(() => {
        this.running.delete(job.id);
        this.pump();
      });
  }

  private async settle(entry: Running, result: RunJobResult): Promise<void> {
    const { job, log } = entry;
    const metrics = this.opts.metrics;
    const stoppedWithoutResult = result.type === "error" || result.outcome === "cancelled";
    if (this.closed) return; // close() gave up waiting and requeued it already.
    if (entry.stop === "shutdown" && stoppedWithoutResult) {
      this.store.requeue(job.id, false, 0);
      metrics?.recordFinished(job.kind, "interrupted", result.seconds);
      log.info("job interrupted by shutdown; requeued without using an attempt");
      return;
    }
    if (entry.stop === "cancel" && stoppedWithoutResult) {
      this.store.finish(job.id, "cancelled", "cancelled", null, Date.now());
      metrics?.recordFinished(job.kind, "cancelled", result.seconds);
      return;
    }
    if (result.type === "outcome") {
      this.store.finish(job.id, "done", result.outcome, null, Date.now());
      metrics?.recordFinished(job.kind, result.outcome, result.seconds);
      return;
    }
    const retryable = isAppError(result.error) && result.error.retryable;
    if (retryable && job.attempt < job.maxAttempts) {
      const delay = (this.opts.retryDelayMs ?? 5000) * job.attempt;
      this.store.requeue(job.id, true, Date.now() + delay);
      metrics?.recordFinished(job.kind, "retrying", result.seconds);
      log.warn({ delayMs: delay }, "job will be retried");
      return;
    }
    const reason = userMessageOf(result.error);
    this.store.finish(job.id, "failed", null, reason, Date.now());
    metrics?.recordFinished(job.kind, "error", result.seconds);
    await this.giveUp(job, reason, log);
  }

  private stopLocal(id: string, stop: "cancel" | "shutdown"): void {
    const entry = this.running.get(id);
    if (!entry || entry.stop) return;
    entry.stop = stop;
    entry.log.info({ stop }, "stopping job");
    entry.controller.abort(new CancelledError(stop === "cancel" ? "The job was cancelled." : SHUTDOWN_MESSAGE));
  }

  private recoverOrphans(now: number): void {
    for (const job of this.store.running()) {
      if (!this.isOrphan(job.owner, job.heartbeatAt, now)) continue;
      const log = jobLogger(this.opts.log, job);
      if (job.cancelRequested) {
        this.store.finish(job.id, "cancelled", "cancelled", null, now);
        continue;
      }
      const giveUp = job.attempt >= job.maxAttempts;
      const reason = giveUp
        ? `The worker stopped while running this job (attempt ${job.attempt} of ${job.maxAttempts}), so it was not retried again. Trigger it again to retry.`
        : null;
      if (!this.store.recoverOrphan(job.id, job.owner ?? "", reason, now)) continue;
      if (reason === null) {
        log.warn({ previousOwner: job.owner }, "job was left running by a dead worker; retrying from the start");
      } else {
        this.opts.metrics?.recordFinished(job.kind, "error", 0);
        void this.giveUp(job, reason, log);
      }
    }
  }

  private isOrphan(owner: string | null, heartbeatAt: number, now: number): boolean {
    if (owner === this.owner || owner === null) return false;
    if (now - heartbeatAt > (this.opts.staleMs ?? 60_000)) return true;
    const [host, pid] = owner.split("|");
    return host === hostname() && !isAlive(Number(pid));
  }

  private async giveUp(job: StoredJob, reason: string, log: Logger): Promise<void> {
    log.error({ reason }, "job failed; giving up");
    try {
      await this.opts.onGiveUp?.(job, reason);
    } catch (error) {
      log.error({ err: error }, "onGiveUp hook failed");
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
