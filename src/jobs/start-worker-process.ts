/**
 * A process that works the queue: creates it from env, starts the worker with `handler`, serves
 * /metrics if asked, and shuts down gracefully on SIGTERM/SIGINT. Used by `npm run worker`
 * (src/worker.ts) and by the tests' real worker processes.
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { createQueue, type QueueTuning } from "./create-queue.js";
import { installSignalHandlers } from "./install-signal-handlers.js";
import { createMetrics, metricsHandler, type JobMetrics } from "./metrics.js";
import type { GiveUpHook, JobHandler, JobQueue } from "./types.js";

export interface StartWorkerProcessOptions {
  env: Env;
  handler: JobHandler;
  log: Logger;
  metrics?: JobMetrics;
  onGiveUp?: GiveUpHook;
  /** Serve GET /metrics (and /healthz) for this worker on this port; none when undefined. */
  metricsPort?: number;
  /** Redis key namespace (tests). */
  prefix?: string;
  tuning?: QueueTuning;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (default true). */
  handleSignals?: boolean;
}

export interface WorkerProcess {
  queue: JobQueue;
  metrics: JobMetrics;
  /** Graceful stop: the same as what SIGTERM does, without exiting. */
  stop(): Promise<void>;
}

export async function startWorkerProcess(options: StartWorkerProcessOptions): Promise<WorkerProcess> {
  const { env, log } = options;
  const metrics = options.metrics ?? createMetrics();
  const queue = createQueue(env, { log, metrics, onGiveUp: options.onGiveUp, prefix: options.prefix, tuning: options.tuning });
  await queue.startWorker(options.handler);
  let server: Server | undefined;
  if (options.metricsPort !== undefined) {
    const serveMetrics = metricsHandler(metrics.registry);
    server = createServer((req, res) => {
      void serveMetrics(req, res).then((handled) => {
        if (!handled) res.writeHead(req.url === "/healthz" ? 200 : 404).end(req.url === "/healthz" ? "ok\n" : undefined);
      });
    }).listen(options.metricsPort);
  }
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      server?.close();
      await queue.close(env.AGENT_SHUTDOWN_GRACE_SECONDS * 1000);
    })());
  if (options.handleSignals !== false) installSignalHandlers({ log, shutdown: stop });
  log.info({ concurrency: env.AGENT_CONCURRENCY, queue: env.REDIS_URL ? "bullmq" : "embedded" }, "worker started");
  return { queue, metrics, stop };
}

