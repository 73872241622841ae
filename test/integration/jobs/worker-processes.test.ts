/**
 * Real worker processes (tsx children running startWorkerProcess): crash recovery after SIGKILL,
 * SIGTERM behaviour, and two workers sharing one BullMQ queue. The test process only enqueues.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BullmqQueue } from "../../../src/jobs/bullmq-queue.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import type { JobQueue } from "../../../src/jobs/types.js";
import { cleanupRedisPrefixes, redisAvailable, redisPrefix, redisUrl } from "../../helpers/redis.js";
import { request } from "../../unit/jobs/queue-contract.js";
import { makeTempDir, silentLog, waitFor } from "../../unit/jobs/queue-test-kit.js";
import { killAll, spawnWorker, type ChildEvent, type WorkerChild } from "./worker-child.js";

const children: WorkerChild[] = [];
const queues: JobQueue[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  killAll(children.splice(0));
  await Promise.all(queues.splice(0).map((q) => q.close(0)));
});
afterAll(async () => {
  cleanups.forEach((c) => c());
  await cleanupRedisPrefixes();
});

interface Backend {
  name: string;
  available: boolean;
  /** Env for a worker child plus a producer queue in this process for the same store. */
  setup(maxAttempts: number): { env: Record<string, string>; producer: JobQueue };
}

const backends: Backend[] = [
  {
    name: "embedded",
    available: true,
    setup(maxAttempts) {
      const { dir, remove } = makeTempDir();
      cleanups.push(remove);
      const producer = new EmbeddedQueue({ dataDir: dir, log: silentLog, concurrency: 1, maxAttempts, graceMs: 0 });
      queues.push(producer);
      return { env: { AGENT_DATA_DIR: dir, REDIS_URL: "", AGENT_JOB_MAX_ATTEMPTS: String(maxAttempts), AGENT_SHUTDOWN_GRACE_SECONDS: "1" }, producer };
    },
  },
  {
    name: "bullmq",
    available: redisAvailable,
    setup(maxAttempts) {
      const prefix = redisPrefix();
      const producer = new BullmqQueue({ redisUrl, prefix, log: silentLog, concurrency: 1, maxAttempts, graceMs: 0 });
      queues.push(producer);
      return { env: { REDIS_URL: redisUrl, TEST_PREFIX: prefix, AGENT_JOB_MAX_ATTEMPTS: String(maxAttempts), AGENT_SHUTDOWN_GRACE_SECONDS: "1" }, producer };
    },
  },
];

const started = (jobId: string, attempt: number) => (e: ChildEvent) => e.event === "start" && e.jobId === jobId && e.attempt === attempt;

for (const backend of backends) {
  describe.runIf(backend.available)(`${backend.name} queue with worker processes`, () => {
    it("retries a job from the start after its worker is killed mid-run", async () => {
      const { env, producer } = backend.setup(2);
      const { jobId } = await producer.enqueue(request("o/r#crash", { payload: { hangUntilAttempt: 1 } }));
      const first = await spawnWorker(env);
      children.push(first);
      await first.waitForEvent(started(jobId, 1), "attempt 1");
      first.proc.kill("SIGKILL");
      await first.exited;
      const second = await spawnWorker(env);
      children.push(second);
      await second.waitForEvent((e) => e.event === "end" && e.jobId === jobId && e.attempt === 2, "attempt 2 to finish");
      // "end" is printed just before the queue records the outcome.
      await waitFor(async () => !(await producer.isRunning("o/r#crash")), "the key to be free");
      expect(second.events.filter((e) => e.event === "start").map((e) => e.attempt)).toEqual([2]);
    });

    it("gives up with a reason for the user when a crash used the last attempt", async () => {
      const { env, producer } = backend.setup(1);
      const { jobId } = await producer.enqueue(request("o/r#crash-last", { payload: { hangUntilAttempt: 1 } }));
      const first = await spawnWorker(env);
      children.push(first);
      await first.waitForEvent(started(jobId, 1), "attempt 1");
      first.proc.kill("SIGKILL");
      await first.exited;
      const second = await spawnWorker(env);
      children.push(second);
      const giveUp = await second.waitForEvent((e) => e.event === "giveup" && e.jobId === jobId, "the give-up");
      expect(giveUp.reason).toMatch(/worker stopped while running this job/);
      expect(second.events.some((e) => e.event === "start")).toBe(false);
    });

    it("on SIGTERM finishes a short job, then exits 0", async () => {
      const { env, producer } = backend.setup(2);
      const { jobId } = await producer.enqueue(request("o/r#term-short", { payload: { sleepMs: 400 } }));
      const child = await spawnWorker(env);
      children.push(child);
      await child.waitForEvent(started(jobId, 1), "the job to start");
      child.proc.kill("SIGTERM");
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.events.some((e) => e.event === "end" && e.jobId === jobId)).toBe(true);
      expect(await producer.depth()).toBe(0);
    });

    it("on SIGTERM past the grace period, aborts the job, exits 0, and the job restarts without using an attempt", async () => {
      const { env, producer } = backend.setup(1);
      const { jobId } = await producer.enqueue(request("o/r#term-long", { payload: { hangUntilAttempt: 1 } }));
      const child = await spawnWorker(env);
      children.push(child);
      await child.waitForEvent(started(jobId, 1), "the job to start");
      const signalledAt = Date.now();
      child.proc.kill("SIGTERM");
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(900); // AGENT_SHUTDOWN_GRACE_SECONDS=1
      expect(child.events.find((e) => e.event === "aborted")?.reason).toMatch(/shutting down/);
      await waitFor(async () => (await producer.depth()) === 1, "the job back in the queue");
      // maxAttempts is 1: if the interrupted run had used it, the next start would give up instead.
      const next = await spawnWorker({ ...env });
      children.push(next);
      await next.waitForEvent(started(jobId, 1), "the job to restart as attempt 1");
    });
  });
}

describe.runIf(redisAvailable)("two BullMQ worker processes sharing a queue", () => {
  it("run different keys in parallel and never one key twice at once", async () => {
    const { env, producer } = backends[1]!.setup(2);
    const workerEnv = { ...env, AGENT_CONCURRENCY: "2" };
    const [a, b] = await Promise.all([spawnWorker(workerEnv), spawnWorker(workerEnv)]);
    children.push(a!, b!);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const key of ["o/r#1", "o/r#2", "o/r#3"]) ids.push((await producer.enqueue(request(key, { payload: { sleepMs: 150 } }))).jobId);
    }
    const all = () => [...a!.events, ...b!.events];
    await waitFor(() => all().filter((e) => e.event === "end").length === ids.length, "all 12 jobs", 30_000);
    const spans = ids.map((id) => {
      const start = all().find((e) => e.event === "start" && e.jobId === id)!;
      const end = all().find((e) => e.event === "end" && e.jobId === id)!;
      return { key: start.key, pid: start.pid, from: start.at, to: end.at };
    });
    for (const s of spans) {
      const overlapping = spans.filter((o) => o !== s && o.key === s.key && o.from < s.to && s.from < o.to);
      expect(overlapping).toEqual([]);
    }
    expect(new Set(spans.map((s) => s.pid)).size).toBe(2);
    expect(all().filter((e) => e.event === "start")).toHaveLength(ids.length);
  });
});
