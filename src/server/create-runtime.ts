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
import type { JobQueue } from "../jobs/types.js";
import { checkSandboxAvailable } from "../sandbox/index.js";
import { createJobHandler, type JobHandlerDeps } from "../tasks/create-job-handler.js";
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
 * Jobs run through `createJobHandler(createTaskDeps({ env, log, metrics }))`, exactly as
 * `npm run worker` (src/worker.ts) builds them. `createTaskDeps` is loaded by path so this entry
 * builds before src/tasks/create-task-deps.ts exists; without it the app still verifies,
 * acknowledges and durably queues webhooks, and says loudly that nothing works the queue.
 */
async function startInProcessWorker(deps: WorkerDeps): Promise<void> {
  const specifier = "../tasks/create-task-deps.js";
  const input = { env: deps.env, log: deps.log, metrics: deps.metrics };
  let mod: { createTaskDeps?: (i: typeof input) => JobHandlerDeps | Promise<JobHandlerDeps> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    deps.log.error("src/tasks/create-task-deps.ts is missing from this build: jobs are queued but not run");
    return;
  }
  if (typeof mod.createTaskDeps !== "function") throw new Error(`${specifier} does not export createTaskDeps`);
  await deps.queue.startWorker(createJobHandler(await mod.createTaskDeps(input)));
}
