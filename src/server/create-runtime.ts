/**
 * Wires the long-lived parts of the web process: metrics, the job queue, the Probot app function
 * (handlers) and, in embedded mode, the in-process worker. This is the one place that knows how
 * the folders fit together at run time, so main.ts stays a short recipe.
 */
import type { ApplicationFunction, Logger } from "probot";
import { createApp } from "../app.js";
import type { Env } from "../config/env.js";
import { createQueue } from "../jobs/create-queue.js";
import { createMetrics, metricsHandler, type JobMetrics } from "../jobs/metrics.js";
import type { JobHandler, JobQueue } from "../jobs/types.js";
import { checkSandboxAvailable } from "../sandbox/index.js";
import type { HealthProbeResult } from "./health-handler.js";
import type { StartServerOptions } from "./start-server.js";

export type Runtime = Omit<StartServerOptions, "env" | "log" | "version">;

export function createRuntime(env: Env, log: Logger): Runtime {
  const metrics = createMetrics();
  const queue = createQueue(env, { log, metrics });
  const queueMode = env.REDIS_URL ? "bullmq" : "embedded";
  const appFn: ApplicationFunction = async (app, options) => {
    await createApp({ env, queue })(app, options);
    // With Redis, `npm run worker` processes do the work; embedded, this process does.
    if (queueMode === "embedded") await startInProcessWorker({ env, log, queue, metrics });
  };
  return {
    appFn,
    queue,
    queueMode,
    sandboxProbe: probeSandbox,
    metricsHandler: env.AGENT_METRICS ? metricsHandler(metrics.registry) : undefined,
  };
}

export async function probeSandbox(): Promise<HealthProbeResult> {
  const availability = await checkSandboxAvailable();
  return availability.ok
    ? { ok: true, limits: availability.limits, warnings: availability.warnings }
    : { ok: false, reason: availability.reason, fix: availability.fix };
}

interface WorkerDeps {
  env: Env;
  log: Logger;
  queue: JobQueue;
  metrics: JobMetrics;
}

/**
 * The job handler comes from src/tasks/create-job-handler.ts, loaded by path exactly as
 * src/worker.ts does, so the web process and `npm run worker` run jobs the same way, and this
 * entry builds before that module exists. Without it the app still verifies, acknowledges and
 * queues webhooks (durably), and says loudly that nothing works the queue.
 */
async function startInProcessWorker(deps: WorkerDeps): Promise<void> {
  const specifier = "../tasks/create-job-handler.js";
  let mod: { createJobHandler?: (d: { env: Env; log: Logger; metrics: JobMetrics }) => JobHandler | Promise<JobHandler> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    deps.log.error("src/tasks/create-job-handler.ts is missing from this build: jobs are queued but not run");
    return;
  }
  if (typeof mod.createJobHandler !== "function") throw new Error(`${specifier} does not export createJobHandler`);
  await deps.queue.startWorker(await mod.createJobHandler({ env: deps.env, log: deps.log, metrics: deps.metrics }));
}
