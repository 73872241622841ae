/**
 * The scale-out queue: BullMQ on Redis. The web process only enqueues; any number of
 * `npm run worker` processes run jobs.
 *
 * Same policy as the embedded queue: a second trigger on a busy key waits, jobs of one key run in
 * enqueue order (a Redis line per key plus a key lock, see redis-key-state.ts). A job whose key is
 * busy goes back to BullMQ's delayed set for `keyWaitMs` and tries again; that costs no attempt.
 *
 * Attempts are counted by us (a start after taking the key lock), not by BullMQ, so a crash (BullMQ
 * "stalled" job, picked up again once its lock expires) and a retryable error both use one attempt.
 * Past the limit the job fails and `onGiveUp` runs. Shutdown requeues without using an attempt.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { CancelledError, isAppError, userMessageOf } from "../shared/errors.js";
import type { JobMetrics } from "./metrics.js";
import { createRedisHealth, type RedisHealth } from "./redis-health.js";
import { RedisKeyState } from "./redis-key-state.js";
import { settles } from "./settles.js";
import { subjectOf, type JobFacts } from "./job-report.js";
import { jobLogger, runJob } from "./run-job.js";
import type {
  CancelFilter,
  EnqueueRequest,
  EnqueueResult,
  GiveUpHook,
  JobHandler,
  JobInfo,
  JobKind,
  JobListing,
  JobOutcome,
  JobQueue,
  ListedJob,
  QueueProbe,
} from "./types.js";

export interface BullmqQueueOptions {
  redisUrl: string;
  log: Logger;
  concurrency: number;
  maxAttempts: number;
  graceMs: number;
  metrics?: JobMetrics | undefined;
  onGiveUp?: GiveUpHook | undefined;
  /** Namespace for every Redis key (default "issue-agent"); tests use one per run. */
  prefix?: string;
  /** Key-lock and BullMQ job-lock TTL; a dead worker's job restarts after about this long (default 30000). */
  lockMs?: number;
  /** How often a running job checks for cancel and steering messages (default 1000). */
  pollMs?: number;
  /** How long a job whose key is busy waits before trying again (default 1000). */
  keyWaitMs?: number;
  retryDelayMs?: number;
  /** How long a delivery id is remembered (default 7 days; GitHub redelivers for 3). */
  dedupeTtlSeconds?: number;
}

type JobData = Omit<EnqueueRequest, "maxAttempts"> & { maxAttempts: number };

interface Running {
  controller: AbortController;
  key: string;
  stop?: "cancel" | "shutdown" | "lost-lock";
}

const QUEUE_NAME = "jobs";
/** How long a health probe waits for Redis to answer. */
const PROBE_TIMEOUT_MS = 1500;
/** On shutdown, how long each Redis goodbye may take before the connection is just dropped. */
const CLOSE_TIMEOUT_MS = 2000;
const SHUTDOWN_MESSAGE = "The app is shutting down; the job will restart from the beginning.";

export class BullmqQueue implements JobQueue {
  private readonly redis: Redis;
  readonly redisHealth: RedisHealth;
  private readonly queue: Queue<JobData, JobOutcome>;
  private readonly state: RedisKeyState;
  private readonly running = new Map<string, Running>();
  private worker: Worker<JobData, JobOutcome> | undefined;
  private workerRedis: Redis | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly prefix: string;
  private readonly lockMs: number;

  constructor(private readonly opts: BullmqQueueOptions) {
    this.prefix = opts.prefix ?? "issue-agent";
    this.lockMs = opts.lockMs ?? 30_000;
    this.redisHealth = createRedisHealth(opts.log, opts.redisUrl);
    this.redis = this.redisHealth.client(opts.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue<JobData, JobOutcome>(QUEUE_NAME, { connection: this.redis, prefix: this.prefix });
    this.redisHealth.watch(this.queue, "BullMQ queue");
    this.state = new RedisKeyState(this.redis, this.prefix, `${this.prefix}:${QUEUE_NAME}:`);
    opts.metrics?.setDepthSource(() => this.depth());
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const jobId = randomUUID();
    const reservation = await this.state.reserve(request.deliveryId, request.key, jobId, this.opts.dedupeTtlSeconds ?? 7 * 24 * 3600);
    const status = reservation.duplicateOf === null ? "enqueued" : "duplicate";
    this.opts.metrics?.jobsEnqueued.inc({ kind: request.kind, status });
    const id = reservation.duplicateOf ?? jobId;
    this.opts.log.info({ jobId: id, jobKind: request.kind, jobKey: request.key, deliveryId: request.deliveryId, status }, "job enqueue");
    if (reservation.duplicateOf !== null) return { jobId: id, status, position: reservation.position };
    const data: JobData = { ...request, maxAttempts: request.maxAttempts ?? this.opts.maxAttempts };
    try {
      await this.queue.add(request.kind, data, {
        jobId,
        // Our processor decides retry or give-up; BullMQ just has to keep offering the job.
        attempts: 1000,
        backoff: { type: "fixed", delay: this.opts.retryDelayMs ?? 5000 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      });
    } catch (error) {
      await this.state.unreserve(request.deliveryId, request.key, jobId);
      throw error;
    }
    await this.state.reserved(jobId);
    const replaced = request.replaceQueued ? await this.dropWaiting(request.key, (data) => data.kind === request.kind, jobId) : 0;
    return { jobId, status, position: Math.max(0, reservation.position - replaced), replaced };
  }

  /** Remove the waiting (not running) jobs of `key` that `select` picks; returns how many. */
  private async dropWaiting(key: string, select: (data: JobData) => boolean, keep?: string): Promise<number> {
    const holder = await this.state.holder(key);
    let dropped = 0;
    for (const id of await this.state.line(key)) {
      if (id === keep || id === holder) continue;
      const job = await this.queue.getJob(id);
      if (!job || !select(job.data)) continue;
      await this.state.markCancelled([id]);
      // A job a worker has just taken is locked: remove() refuses it and its cancel flag stops it.
      const removed = await this.queue.remove(id).catch(() => 0);
      if (removed === 1) {
        await this.state.leave(key, id);
        this.opts.metrics?.recordFinished(job.data.kind, "cancelled", 0);
      }
      dropped += 1;
    }
    return dropped;
  }

  async cancel(key: string, filter?: CancelFilter): Promise<number> {
    if (filter) {
      const mine = (data: JobData) => (data.payload.requester as { id?: unknown } | undefined)?.id === filter.requesterId;
      let cancelled = await this.dropWaiting(key, mine);
      const holder = await this.state.holder(key);
      const running = holder ? await this.queue.getJob(holder) : undefined;
      if (holder && running && mine(running.data)) {
        await this.state.markCancelled([holder]);
        const entry = this.running.get(holder);
        if (entry) this.stopLocal(entry, "cancel");
        cancelled += 1;
      }
      this.opts.log.info({ jobKey: key, cancelled, requesterId: filter.requesterId }, "jobs cancelled");
      return cancelled;
    }
    const ids = await this.state.line(key);
    await this.state.markCancelled(ids);
    const holder = await this.state.holder(key);
    for (const id of ids) {
      if (id === holder) continue;
      // A waiting or delayed job can be removed now; one a worker holds sees its cancel flag.
      const removed = await this.queue.remove(id).catch(() => 0);
      if (removed === 1) await this.state.leave(key, id);
    }
    for (const [, entry] of this.running) if (entry.key === key) this.stopLocal(entry, "cancel");
    this.opts.log.info({ jobKey: key, cancelled: ids.length }, "jobs cancelled");
    return ids.length;
  }

  async pending(key: string): Promise<number> {
    return (await this.state.line(key)).length;
  }

  async waiting(key: string, kind: JobKind): Promise<number> {
    const holder = await this.state.holder(key);
    let n = 0;
    for (const id of await this.state.line(key)) {
      if (id === holder || (await this.state.isCancelled(id))) continue;
      const job = await this.queue.getJob(id);
      if (job?.data.kind === kind && !job.finishedOn) n += 1;
    }
    return n;
  }

  /** The jobs holding a key lock, on any worker of this Redis. */
  async liveJobIds(): Promise<string[]> {
    return this.state.lockHolders();
  }

  async steer(key: string, message: string): Promise<boolean> {
    return this.state.pushMessage(key, message);
  }

  async hasDelivery(deliveryId: string): Promise<boolean> {
    return this.state.hasDelivery(deliveryId);
  }

  async isRunning(key: string): Promise<boolean> {
    return this.state.isLocked(key);
  }

  async depth(): Promise<number> {
    return this.queue.getJobCountByTypes("wait", "delayed", "prioritized");
  }

  async probe(): Promise<QueueProbe> {
    if (!this.redisHealth.up)
      return { ok: false, mode: "bullmq", error: `Redis is unreachable${this.redisHealth.lastError ? ` (${this.redisHealth.lastError})` : ""}` };
    const depth = await withTimeout(this.depth(), PROBE_TIMEOUT_MS);
    return depth === undefined
      ? { ok: false, mode: "bullmq", error: `Redis did not answer within ${PROBE_TIMEOUT_MS} ms` }
      : { ok: true, mode: "bullmq", depth };
  }

  async list(options: { finished?: number } = {}): Promise<JobListing> {
    const limit = options.finished ?? 20;
    const [active, waiting, done] = await Promise.all([
      this.queue.getJobs(["active"]),
      this.queue.getJobs(["waiting", "delayed", "prioritized"], 0, 199, true),
      this.queue.getJobs(["completed", "failed"], 0, limit - 1),
    ]);
    const listed = (job: Job<JobData, JobOutcome>, state: ListedJob["state"]): ListedJob => {
      const progress = job.progress !== null && typeof job.progress === "object" ? (job.progress as JobFacts) : {};
      let facts: JobFacts = { ...subjectOf(job.data.payload), ...progress };
      const gaveUp = job.failedReason !== undefined && job.finishedOn !== undefined && job.returnvalue == null;
      if (gaveUp && !facts.errorMessage) facts = { ...facts, errorCode: "job/gave-up", errorMessage: job.failedReason };
      return {
        id: job.id ?? "",
        kind: job.data.kind,
        key: job.data.key,
        state,
        attempt: job.attemptsMade,
        enqueuedAt: job.timestamp,
        startedAt: progress.startedAt ?? job.processedOn ?? null,
        finishedAt: state === "finished" ? (job.finishedOn ?? null) : null,
        outcome: state !== "finished" ? null : gaveUp ? "error" : (job.returnvalue ?? null),
        facts,
      };
    };
    const finished = done.filter(Boolean).map((j) => listed(j, "finished"));
    finished.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    return {
      running: active.filter(Boolean).map((j) => listed(j, "running")),
      queued: waiting.filter(Boolean).map((j) => listed(j, "queued")),
      finished: finished.slice(0, limit),
    };
  }

  async startWorker(handler: JobHandler): Promise<void> {
    if (this.worker) throw new Error("startWorker was already called on this queue");
    this.workerRedis = this.redisHealth.client(this.opts.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker<JobData, JobOutcome>(QUEUE_NAME, (job, token) => this.process(job, token ?? "", handler), {
      connection: this.workerRedis,
      prefix: this.prefix,
      concurrency: this.opts.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: this.lockMs,
      // Stalls (a dead worker) are counted as attempts by us, not capped by BullMQ.
      maxStalledCount: 1000,
    });
    this.redisHealth.watch(this.worker, "BullMQ worker");
    await this.worker.waitUntilReady();
  }

  close(graceMs = this.opts.graceMs): Promise<void> {
    this.closed ??= this.shutdown(graceMs);
    return this.closed;
  }

  /**
   * Every step is bounded: with Redis down, BullMQ's own close and QUIT would wait for a server
   * that is not there, and SIGTERM must still end the process within the grace period.
   */
  private async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.worker) {
      const workerClosed = this.worker.close();
      // Nothing running here: no reason to wait the whole grace period on a Redis that may be gone.
      if (!(await settles(workerClosed, this.running.size === 0 ? Math.min(graceMs, CLOSE_TIMEOUT_MS) : graceMs))) {
        for (const entry of this.running.values()) this.stopLocal(entry, "shutdown");
        if (!(await settles(workerClosed, 5000))) await settles(this.worker.close(true), CLOSE_TIMEOUT_MS);
      }
    }
    await settles(this.queue.close(), CLOSE_TIMEOUT_MS);
    for (const client of [this.redis, this.workerRedis]) {
      if (!client) continue;
      if (client.status !== "ready" || !(await settles(client.quit(), CLOSE_TIMEOUT_MS))) client.disconnect();
    }
    this.redisHealth.close();
  }

  private async process(job: Job<JobData, JobOutcome>, token: string, handler: JobHandler): Promise<JobOutcome> {
    const { key } = job.data;
    const jobId = job.id ?? "";
    if (await this.state.isCancelled(jobId)) {
      await this.state.leave(key, jobId);
      this.opts.metrics?.recordFinished(job.data.kind, "cancelled", 0);
      return "cancelled";
    }
    const lockToken = `${jobId}/${randomUUID()}`;
    if (this.closing || !(await this.state.acquire(key, jobId, lockToken, this.lockMs))) {
      await job.moveToDelayed(Date.now() + (this.closing ? 0 : (this.opts.keyWaitMs ?? 1000)), token);
      throw new DelayedError();
    }
    const attempt = await this.state.countAttempt(jobId, 1);
    const info: JobInfo = {
      id: jobId,
      kind: job.data.kind,
      key,
      deliveryId: job.data.deliveryId,
      payload: job.data.payload,
      attempt,
      maxAttempts: job.data.maxAttempts,
    };
    const log = jobLogger(this.opts.log, info);
    if (attempt > info.maxAttempts) {
      const reason = `The worker stopped while running this job (attempt ${info.maxAttempts} of ${info.maxAttempts}), so it was not retried again. Trigger it again to retry.`;
      return this.giveUp({ ...info, attempt: info.maxAttempts }, reason, log, lockToken, 0);
    }
    const entry: Running = { controller: new AbortController(), key };
    this.running.set(jobId, entry);
    const inbox: string[] = [];
    const ticker = setInterval(() => void this.tick(entry, lockToken, inbox, jobId), Math.min(this.opts.pollMs ?? 1000, this.lockMs / 3));
    try {
      const persistReport = async (facts: JobFacts) => void (await job.updateProgress(facts as object));
      const waitingBehind = () => this.waiting(key, info.kind);
      const result = await runJob({
        info,
        handler,
        log,
        signal: entry.controller.signal,
        takeMessages: () => inbox.splice(0),
        waitingBehind,
        metrics: this.opts.metrics,
        persistReport,
      });
      clearInterval(ticker);
      const metrics = this.opts.metrics;
      const stoppedWithoutResult = result.type === "error" || result.outcome === "cancelled";
      if (entry.stop === "lost-lock") throw new Error("lost the key lock; another worker owns this job now");
      if (entry.stop === "shutdown" && stoppedWithoutResult) {
        await this.state.countAttempt(jobId, -1);
        await this.state.release(key, lockToken);
        metrics?.recordFinished(info.kind, "interrupted", result.seconds);
        log.info("job interrupted by shutdown; requeued without using an attempt");
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (entry.stop === "cancel" && stoppedWithoutResult) return await this.finish(info, "cancelled", result.seconds, lockToken);
      if (result.type === "outcome") return await this.finish(info, result.outcome, result.seconds, lockToken);
      if (isAppError(result.error) && result.error.retryable && attempt < info.maxAttempts) {
        await this.state.release(key, lockToken);
        metrics?.recordFinished(info.kind, "retrying", result.seconds);
        log.warn("job will be retried");
        throw result.error;
      }
      return await this.giveUp(info, userMessageOf(result.error), log, lockToken, result.seconds);
    } finally {
      clearInterval(ticker);
      this.running.delete(jobId);
    }
  }

  /** Keep the key lock alive, pick up cancel requests and steering messages. */
  private async tick(entry: Running, lockToken: string, inbox: string[], jobId: string): Promise<void> {
    try {
      if (!(await this.state.extend(entry.key, lockToken, this.lockMs))) return this.stopLocal(entry, "lost-lock");
      if (await this.state.isCancelled(jobId)) return this.stopLocal(entry, "cancel");
      inbox.push(...(await this.state.takeMessages(entry.key)));
    } catch (error) {
      // A Redis outage is logged once by RedisHealth, not once per job per second.
      if (!this.redisHealth.noteError(error)) this.opts.log.warn({ err: error, jobId }, "job heartbeat failed");
    }
  }

  private async finish(info: JobInfo, outcome: JobOutcome, seconds: number, lockToken: string): Promise<JobOutcome> {
    await this.state.leave(info.key, info.id);
    await this.state.release(info.key, lockToken);
    this.opts.metrics?.recordFinished(info.kind, outcome, seconds);
    return outcome;
  }

  private async giveUp(info: JobInfo, reason: string, log: Logger, lockToken: string, seconds: number): Promise<never> {
    await this.state.leave(info.key, info.id);
    await this.state.release(info.key, lockToken);
    this.opts.metrics?.recordFinished(info.kind, "error", seconds);
    log.error({ reason }, "job failed; giving up");
    try {
      await this.opts.onGiveUp?.(info, reason);
    } catch (error) {
      log.error({ err: error }, "onGiveUp hook failed");
    }
    throw new UnrecoverableError(reason);
  }

  private stopLocal(entry: Running, stop: NonNullable<Running["stop"]>): void {
    if (entry.stop) return;
    entry.stop = stop;
    const message = stop === "cancel" ? "The job was cancelled." : stop === "shutdown" ? SHUTDOWN_MESSAGE : "The worker lost its lock on this job.";
    entry.controller.abort(new CancelledError(message));
  }
}

/** The value, or undefined when it takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
