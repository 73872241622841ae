/**
 * Wires the long-lived parts of the web process: metrics, the job queue, the Probot app function
 * (handlers) and, in embedded mode, the in-process worker. This is the one place that knows how
 * the folders fit together at run time, so main.ts stays a short recipe.
 */
import type { ApplicationFunction, Logger } from "probot";
import { createApp } from "../app.js";
import type { Env } from "../config/env.js";
import { createHandlerTracker } from "../handlers/handler-tracker.js";
import { createQueue } from "../jobs/create-queue.js";
import { createMetrics, metricsHandler } from "../jobs/metrics.js";
import { createGiveUpHook, createJobHandler } from "../tasks/job-registry.js";
import { createTaskDeps } from "../tasks/create-task-deps.js";
import { startWorkspaceSweeper } from "../tasks/sweep-stale-workspaces.js";
import { probeSandbox } from "./probe-sandbox.js";
import type { StartServerOptions } from "./start-server.js";

export { probeSandbox } from "./probe-sandbox.js";

export type Runtime = Omit<StartServerOptions, "env" | "log" | "version">;

export function createRuntime(env: Env, log: Logger): Runtime {
  const metrics = createMetrics();
  const taskDeps = createTaskDeps({ env, log, metrics });
  const onGiveUp = createGiveUpHook(taskDeps.github, (error) => log.warn({ err: error }, "could not post the give-up comment"));
  const queue = createQueue(env, { log, metrics, onGiveUp });
  const queueMode = env.REDIS_URL ? "bullmq" : "embedded";
  const handlers = createHandlerTracker();
  const appFn: ApplicationFunction = async (app, options) => {
    await createApp({ env, queue, handlers, github: taskDeps.github, quota: taskDeps.quota, metrics })(app, options);
    // With Redis, `npm run worker` processes do the work; embedded, this process does.
    if (queueMode === "embedded") {
      startWorkspaceSweeper(env, log, () => queue.liveJobIds());
      await queue.startWorker(createJobHandler(taskDeps));
    }
  };
  return {
    appFn,
    queue,
    handlers,
    queueMode,
    sandboxProbe: probeSandbox,
    spend: taskDeps.spend,
    metricsHandler: env.AGENT_METRICS ? metricsHandler(metrics.registry) : undefined,
    onWebhookRejected: (reason) => metrics.webhookRejected.inc({ reason }),
  };
}
