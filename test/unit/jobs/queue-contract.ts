/**
 * Behaviour every JobQueue must show, run against the embedded queue (unit) and BullMQ on the
 * real Redis (integration). `open` with the same `store` string reopens the same durable queue,
 * which is how a restart is simulated.
 */
import type { Logger } from "pino";
import { afterEach, expect, it } from "vitest";
import { AppError } from "../../../src/shared/errors.js";
import { createMetrics, type JobMetrics } from "../../../src/jobs/metrics.js";
import type { EnqueueRequest, GiveUpHook, JobContext, JobOutcome, JobQueue } from "../../../src/jobs/types.js";
import { aborted, captureLog, deferred, silentLog, sleep, waitFor } from "./queue-test-kit.js";

export interface OpenOptions {
  store: string;
  concurrency?: number;
  maxAttempts?: number;
  onGiveUp?: GiveUpHook;
  log?: Logger;
  metrics?: JobMetrics;
}

export interface QueueContractHooks {
  /** A fresh namespace (temp dir or Redis prefix) per test. */
  newStore(): string;
  open(options: OpenOptions): JobQueue;
}

let seq = 0;
export function request(key: string, extra: Partial<EnqueueRequest> = {}): EnqueueRequest {
  seq += 1;
  return { kind: "resolve-issue", key, deliveryId: `delivery-${process.pid}-${Date.now()}-${seq}`, payload: { n: seq }, ...extra };
}

export function defineQueueContract(hooks: QueueContractHooks): void {
  const opened: JobQueue[] = [];
  const open = (options: OpenOptions) => {
    const queue = hooks.open(options);
    opened.push(queue);
    return queue;
  };
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((q) => q.close(0)));
  };
  afterEach(closeAll);

  it("keeps queued jobs across a restart", async () => {
    const store = hooks.newStore();
    const first = open({ store });
    await first.enqueue(request("o/r#1", { payload: { issue: 1 } }));
    await first.close(0);
    const second = open({ store });
    expect(await second.depth()).toBe(1);
    const seen = deferred<JobContext>();
    await second.startWorker(async (job) => (seen.resolve(job), "succeeded"));
    const job = await seen.promise;
    expect(job.payload).toEqual({ issue: 1 });
    expect(job.attempt).toBe(1);
    await closeAll();
  });

  it("ignores a redelivery with the same delivery id, also after a restart", async () => {
    const store = hooks.newStore();
    const first = open({ store });
    const req = request("o/r#2");
    const a = await first.enqueue(req);
    expect(await first.hasDelivery(req.deliveryId)).toBe(true);
    expect(await first.hasDelivery("never-delivered")).toBe(false);
    const b = await first.enqueue(req);
    expect(a.status).toBe("enqueued");
    expect(b).toMatchObject({ status: "duplicate", jobId: a.jobId });
    await first.close(0);
    const second = open({ store });
    expect(await second.hasDelivery(req.deliveryId)).toBe(true);
    expect((await second.enqueue(req)).status).toBe("duplicate");
    let runs = 0;
    await second.startWorker(async () => (runs++, "succeeded"));
    await waitFor(async () => runs === 1 && (await second.depth()) === 0, "the single run");
    await sleep(300);
    expect(runs).toBe(1);
    await closeAll();
  });

  it("runs one job per key at a time, in order, while other keys run in parallel", async () => {
    const queue = open({ store: hooks.newStore(), concurrency: 3 });
    const activeByKey = new Map<string, number>();
    let maxPerKey = 0;
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await queue.enqueue(request("o/r#A", { payload: { i } })));
    for (let i = 0; i < 2; i++) await queue.enqueue(request("o/r#B", { payload: { i } }));
    expect(results.map((r) => r.position)).toEqual([0, 1, 2]);
    await queue.startWorker(async (job) => {
      const n = (activeByKey.get(job.key) ?? 0) + 1;
      activeByKey.set(job.key, n);
      maxPerKey = Math.max(maxPerKey, n);
      maxActive = Math.max(maxActive, ++active);
      if (job.key === "o/r#A") order.push(job.payload.i as number);
      await sleep(150);
      activeByKey.set(job.key, n - 1);
      active--;
      return "succeeded";
    });
    await waitFor(() => order.length === 3 && active === 0, "all A jobs", 15_000);
    expect(maxPerKey).toBe(1);
    expect(maxActive).toBeGreaterThan(1);
    expect(order).toEqual([0, 1, 2]);
    await closeAll();
  });

  it("cancel(key) aborts the running job and drops the queued one", async () => {
    const queue = open({ store: hooks.newStore(), concurrency: 2 });
    const ran: number[] = [];
    let signalled = false;
    await queue.enqueue(request("o/r#3", { payload: { i: 0 } }));
    await queue.enqueue(request("o/r#3", { payload: { i: 1 } }));
    await queue.startWorker(async (job) => {
      ran.push(job.payload.i as number);
      await aborted(job.signal);
      signalled = job.signal.reason instanceof AppError && job.signal.reason.code === "job/cancelled";
      return "cancelled";
    });
    await waitFor(() => queue.isRunning("o/r#3"), "the first job to start");
    expect(await queue.cancel("o/r#3")).toBe(2);
    await waitFor(async () => signalled && !(await queue.isRunning("o/r#3")), "the running job to stop");
    await sleep(500);
    expect(ran).toEqual([0]);
    expect(await queue.depth()).toBe(0);
    await closeAll();
  });

  it("cancel(key, { requesterId }) stops only the jobs that user started", async () => {
    const queue = open({ store: hooks.newStore() });
    const stopped: number[] = [];
    await queue.enqueue(request("o/r#11", { payload: { i: 0, requester: { login: "maintainer", id: 1 } } }));
    await queue.enqueue(request("o/r#11", { payload: { i: 1, requester: { login: "author", id: 2 } } }));
    await queue.enqueue(request("o/r#11", { payload: { i: 2, requester: { login: "maintainer", id: 1 } } }));
    expect(await queue.pending("o/r#11")).toBe(3);
    await queue.startWorker(async (job) => {
      await aborted(job.signal);
      stopped.push(job.payload.i as number);
      return "cancelled";
    });
    await waitFor(() => queue.isRunning("o/r#11"), "the first job to start");
    // The author's own queued job goes; the maintainer's running one is untouched.
    expect(await queue.cancel("o/r#11", { requesterId: 2 })).toBe(1);
    await sleep(300);
    expect(stopped).toEqual([]);
    expect(await queue.pending("o/r#11")).toBe(2);
    expect(await queue.cancel("o/r#11", { requesterId: 1 })).toBe(2);
    await waitFor(async () => (await queue.pending("o/r#11")) === 0, "everything to be cancelled");
    expect(stopped).toEqual([0]);
    await closeAll();
  });

  it("replaceQueued keeps one waiting job per key and kind: the newest", async () => {
    const queue = open({ store: hooks.newStore() });
    const ran: number[] = [];
    const gate = deferred();
    await queue.enqueue(request("o/r#12", { kind: "fix-pr", payload: { i: 0 } }));
    await queue.startWorker(async (job) => {
      ran.push(job.payload.i as number);
      if (job.payload.i === 0) await gate.promise;
      return "succeeded";
    });
    await waitFor(() => queue.isRunning("o/r#12"), "the fix to start");
    expect(await queue.liveJobIds()).toHaveLength(1);
    expect(await queue.waiting("o/r#12", "security-review")).toBe(0);
    for (let i = 1; i <= 5; i++) await queue.enqueue(request("o/r#12", { kind: "security-review", payload: { i }, replaceQueued: true }));
    expect(await queue.waiting("o/r#12", "security-review")).toBe(1);
    expect(await queue.waiting("o/r#12", "fix-pr")).toBe(0);
    // Another kind queued behind is kept.
    await queue.enqueue(request("o/r#12", { kind: "fix-pr", payload: { i: 6 } }));
    expect(await queue.pending("o/r#12")).toBe(3);
    gate.resolve();
    await waitFor(async () => (await queue.pending("o/r#12")) === 0, "the queue to drain", 15_000);
    expect(ran).toEqual([0, 5, 6]);
    expect(await queue.liveJobIds()).toEqual([]);
    await closeAll();
  });

  it("hands steering messages to the running job only", async () => {
    const queue = open({ store: hooks.newStore() });
    expect(await queue.steer("o/r#4", "too early")).toBe(false);
    const got = deferred<string[]>();
    await queue.enqueue(request("o/r#4"));
    await queue.startWorker(async (job) => {
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        const messages = job.takeMessages();
        if (messages.length > 0) return (got.resolve(messages), "succeeded");
        await sleep(50);
      }
      return "failed";
    });
    await waitFor(() => queue.isRunning("o/r#4"), "the job to start");
    expect(await queue.steer("o/r#4", "use the v2 API")).toBe(true);
    expect(await got.promise).toEqual(["use the v2 API"]);
    await closeAll();
  });

  it("retries a retryable failure, then gives up at the attempt limit and says why", async () => {
    const giveUps: Array<{ id: string; reason: string; attempt: number }> = [];
    const queue = open({
      store: hooks.newStore(),
      maxAttempts: 2,
      onGiveUp: (job, reason) => void giveUps.push({ id: job.id, reason, attempt: job.attempt }),
    });
    const attempts: number[] = [];
    const { jobId } = await queue.enqueue(request("o/r#5"));
    await queue.startWorker(async (job) => {
      attempts.push(job.attempt);
      throw new AppError("model/rate-limited", "429 from the model", { retryable: true, userMessage: "The model is rate limited." });
    });
    await waitFor(() => giveUps.length === 1, "the give-up hook", 20_000);
    expect(attempts).toEqual([1, 2]);
    expect(giveUps[0]).toMatchObject({ id: jobId, reason: "The model is rate limited.", attempt: 2 });
    await closeAll();
  });

  it("gives up at once on a non-retryable error", async () => {
    const giveUps: string[] = [];
    const queue = open({ store: hooks.newStore(), maxAttempts: 3, onGiveUp: (_job, reason) => void giveUps.push(reason) });
    let runs = 0;
    await queue.enqueue(request("o/r#6"));
    await queue.startWorker(async () => {
      runs++;
      throw new Error("boom with token ghs_secret");
    });
    await waitFor(() => giveUps.length === 1, "the give-up hook");
    expect(runs).toBe(1);
    expect(giveUps[0]).not.toContain("ghs_secret");
    await closeAll();
  });

  it("on close, lets a job finish within the grace period", async () => {
    const store = hooks.newStore();
    const queue = open({ store });
    const started = deferred();
    let finished = false;
    await queue.enqueue(request("o/r#7"));
    await queue.startWorker(async () => {
      started.resolve();
      await sleep(300);
      finished = true;
      return "succeeded";
    });
    await started.promise;
    await queue.close(5000);
    expect(finished).toBe(true);
    const reopened = open({ store });
    expect(await reopened.depth()).toBe(0);
    await closeAll();
  });

  it("on close past the grace period, aborts and requeues the job without using an attempt", async () => {
    const store = hooks.newStore();
    const queue = open({ store, maxAttempts: 1 });
    const started = deferred();
    let reason: unknown;
    await queue.enqueue(request("o/r#8", { payload: { long: true } }));
    await queue.startWorker(async (job) => {
      started.resolve();
      await aborted(job.signal);
      reason = job.signal.reason;
      return "cancelled";
    });
    await started.promise;
    await queue.close(200);
    expect(reason).toBeInstanceOf(AppError);
    const reopened = open({ store, maxAttempts: 1 });
    const rerun = deferred<JobContext>();
    await reopened.startWorker(async (job) => (rerun.resolve(job), "succeeded"));
    const job = await rerun.promise;
    expect(job.payload).toEqual({ long: true });
    expect(job.attempt).toBe(1);
    await closeAll();
  });

  it("puts the job id on every log line of the job", async () => {
    const { log, lines } = captureLog();
    const queue = open({ store: hooks.newStore(), log });
    const { jobId } = await queue.enqueue(request("o/r#9"));
    const done = deferred();
    await queue.startWorker(async (job) => {
      job.log.info("step one");
      job.log.warn({ detail: 1 }, "step two");
      done.resolve();
      return "succeeded";
    });
    await done.promise;
    await waitFor(() => lines.some((l) => l.msg === "job finished"), "the finish line");
    const jobLines = lines.filter((l) => ["step one", "step two", "job started", "job finished"].includes(String(l.msg)));
    expect(jobLines).toHaveLength(4);
    for (const line of jobLines) expect(line.jobId).toBe(jobId);
    await closeAll();
  });

  it("counts enqueued, duplicate, started and finished jobs and reports depth", async () => {
    const metrics = createMetrics();
    const queue = open({ store: hooks.newStore(), metrics, log: silentLog });
    const req = request("o/r#10", { kind: "security-review" });
    await queue.enqueue(req);
    await queue.enqueue(req);
    await queue.enqueue(request("o/r#10", { kind: "security-review" }));
    expect((await metrics.queueDepth.get()).values[0]?.value).toBe(2);
    let runs = 0;
    await queue.startWorker(async (): Promise<JobOutcome> => (++runs === 1 ? "succeeded" : "no_changes"));
    await waitFor(async () => (await metrics.jobsFinished.get()).values.length === 2, "two finished runs");
    const text = await metrics.registry.metrics();
    expect(text).toContain('issue_agent_jobs_enqueued_total{kind="security-review",status="enqueued"} 2');
    expect(text).toContain('issue_agent_jobs_enqueued_total{kind="security-review",status="duplicate"} 1');
    expect(text).toContain('issue_agent_jobs_started_total{kind="security-review"} 2');
    expect(text).toContain('issue_agent_jobs_finished_total{kind="security-review",outcome="succeeded"} 1');
    expect(text).toContain('issue_agent_jobs_finished_total{kind="security-review",outcome="no_changes"} 1');
    expect(text).toContain('issue_agent_job_duration_seconds_count{kind="security-review",outcome="succeeded"} 1');
    await closeAll();
  });
}
