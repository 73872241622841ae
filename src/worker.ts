/**
 * `npm run worker`: a process that only runs jobs (BullMQ mode; with no REDIS_URL it works the
 * embedded queue of this machine's AGENT_DATA_DIR). Run as many as you like, on any machine that
 * reaches the same Redis. SIGTERM stops taking jobs, waits AGENT_SHUTDOWN_GRACE_SECONDS, then
 * requeues what is still running.
 */
import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { parseEnv, secretValuesOf, type Env } from "./config/env.js";
import { createQueue, type QueueTuning } from "./jobs/create-queue.js";
import { installSignalHandlers } from "./jobs/install-signal-handlers.js";
import { createMetrics, metricsHandler, type JobMetrics } from "./jobs/metrics.js";
import type { GiveUpHook, JobHandler, JobQueue } from "./jobs/types.js";
import { createLogger } from "./shared/logger.js";

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

/**
 * The task side provides `createJobHandler(deps)` in src/tasks/create-job-handler.ts. It is loaded
 * by path so this entry builds before that module exists; a clear error says what is missing.
 */
async function loadJobHandler(deps: { env: Env; log: Logger; metrics: JobMetrics }): Promise<JobHandler> {
  const specifier = "./tasks/create-job-handler.js";
  const mod = (await import(specifier)) as { createJobHandler?: (d: typeof deps) => JobHandler | Promise<JobHandler> };
  if (typeof mod.createJobHandler !== "function") throw new Error(`${specifier} does not export createJobHandler`);
  return mod.createJobHandler(deps);
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  const metrics = createMetrics();
  const handler = await loadJobHandler({ env, log, metrics });
  await startWorkerProcess({ env, handler, log, metrics });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
