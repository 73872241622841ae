/**
 * A process that works the queue: creates it from env, starts the worker with `handler`, serves
 * /metrics, /healthz and /readyz if asked, and shuts down gracefully on SIGTERM/SIGINT (within the
 * grace period plus a bounded close, even with Redis gone). Used by `npm run worker`
 * (src/worker.ts) and by the tests' real worker processes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { createQueue, type QueueTuning } from "./create-queue.js";
import { installSignalHandlers, shutdownDeadlineMs } from "./install-signal-handlers.js";
import { createMetrics, metricsHandler, type JobMetrics } from "./metrics.js";
import type { GiveUpHook, JobHandler, JobQueue } from "./types.js";

type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface StartWorkerProcessOptions {
  env: Env;
  handler: JobHandler;
  log: Logger;
  metrics?: JobMetrics;
  onGiveUp?: GiveUpHook;
  /** Serve GET /metrics (and the health endpoints) for this worker on this port; none when undefined. */
  metricsPort?: number;
  /**
   * `/healthz` and `/readyz` for this worker (src/worker.ts passes the one that checks Redis and
   * the sandbox); built once the queue exists. Without it /healthz only says the process is up.
   */
  healthHandler?: (deps: { queue: JobQueue; isReady: () => boolean }) => HttpHandler;
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
  let ready = false;
  let server: Server | undefined;
  if (options.metricsPort !== undefined) {
    const handlers: HttpHandler[] = [metricsHandler(metrics.registry)];
    if (options.healthHandler) handlers.push(options.healthHandler({ queue, isReady: () => ready }));
    server = createServer((req, res) => {
      void (async () => {
        for (const handler of handlers) if (await handler(req, res)) return;
        if (req.url === "/healthz") res.writeHead(ready ? 200 : 503).end(ready ? "ok\n" : "starting\n");
        else res.writeHead(404).end();
      })();
    }).listen(options.metricsPort);
  }
  await queue.startWorker(options.handler);
  ready = true;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      ready = false;
      server?.close();
      server?.closeAllConnections();
      await queue.close(env.AGENT_SHUTDOWN_GRACE_SECONDS * 1000);
    })());
  if (options.handleSignals !== false) installSignalHandlers({ log, shutdown: stop, deadlineMs: shutdownDeadlineMs(env.AGENT_SHUTDOWN_GRACE_SECONDS) });
  log.info({ concurrency: env.AGENT_CONCURRENCY, queue: env.REDIS_URL ? "bullmq" : "embedded" }, "worker started");
  return { queue, metrics, stop };
}
