/**
 * Picks the queue from configuration: BullMQ when REDIS_URL is set (web process enqueues, any
 * number of `npm run worker` processes work), else the embedded node:sqlite queue in
 * `<AGENT_DATA_DIR>/queue.sqlite`, worked by the app process itself.
 */
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { BullmqQueue } from "./bullmq-queue.js";
import { EmbeddedQueue } from "./embedded-queue.js";
import type { JobMetrics } from "./metrics.js";
import type { GiveUpHook, JobQueue } from "./types.js";

export type QueueEnv = Pick<Env, "REDIS_URL" | "AGENT_DATA_DIR" | "AGENT_CONCURRENCY" | "AGENT_JOB_MAX_ATTEMPTS" | "AGENT_SHUTDOWN_GRACE_SECONDS">;

export interface CreateQueueOptions {
  log: Logger;
  metrics?: JobMetrics | undefined;
  /** Tell the user when the queue gives up on a job on its own (see GiveUpHook). */
  onGiveUp?: GiveUpHook | undefined;
  /** Redis key namespace for BullMQ (default "issue-agent"). */
  prefix?: string | undefined;
  /** Timing knobs for tests and unusual deployments; the defaults suit production. */
  tuning?: QueueTuning | undefined;
}

export interface QueueTuning {
  /** Poll / heartbeat interval (both queues). */
  pollMs?: number;
  /** BullMQ: key-lock and job-lock TTL, so how soon a dead worker's job restarts. */
  lockMs?: number;
  /** BullMQ: how long a job waits for its busy key before trying again. */
  keyWaitMs?: number;
  /** Embedded: a running job without heartbeat for this long belongs to a dead process. */
  staleMs?: number;
  retryDelayMs?: number;
}

export function createQueue(env: QueueEnv, options: CreateQueueOptions): JobQueue {
  const common = {
    log: options.log.child({ component: "jobs" }),
    metrics: options.metrics,
    onGiveUp: options.onGiveUp,
    concurrency: env.AGENT_CONCURRENCY,
    maxAttempts: env.AGENT_JOB_MAX_ATTEMPTS,
    graceMs: env.AGENT_SHUTDOWN_GRACE_SECONDS * 1000,
    ...options.tuning,
  };
  if (env.REDIS_URL) {
    const queue = new BullmqQueue({ ...common, redisUrl: env.REDIS_URL, ...(options.prefix ? { prefix: options.prefix } : {}) });
    options.log.info({ queue: "bullmq" }, "job queue: BullMQ on Redis");
    return queue;
  }
  const queue = new EmbeddedQueue({ ...common, dataDir: env.AGENT_DATA_DIR });
  options.log.info({ queue: "embedded", dataDir: env.AGENT_DATA_DIR }, "job queue: embedded (node:sqlite)");
  return queue;
}
