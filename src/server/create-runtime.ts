/**
 * Wires the long-lived parts of the web process: metrics, the job queue, the Probot app function
 * (handlers) and, in embedded mode, the in-process worker. This is the one place that knows how
 * the folders fit together at run time, so main.ts stays a short recipe.
 */
import type { ApplicationFunction, Logger, Probot } from "probot";
import { createApp } from "../app.js";
import type { Env } from "../config/env.js";
import { createQueue } from "../jobs/create-queue.js";
import { createMetrics, metricsHandler } from "../jobs/metrics.js";
import type { JobQueue } from "../jobs/types.js";
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
    if (queueMode === "embedded") await startInProcessWorker({ env, log, queue, probot: app });
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
  probot: Probot;
}

/**
 * TODO(lead): the job handler lives in src/tasks/create-job-handler.ts (flows engineer), not yet
 * written when this was wired. Once it exists this becomes:
 *   await deps.queue.startWorker(createJobHandler({ env, log, queue, github: createProbotClientFactory(probot), ... }));
 * Until then jobs are accepted and kept in the durable queue, and nothing works them.
 */
async function startInProcessWorker(deps: WorkerDeps): Promise<void> {
  deps.log.warn("no job handler is built into this version yet: jobs are queued but not run");
}
