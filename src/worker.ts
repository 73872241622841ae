/**
 * `npm run worker`: a process that only runs jobs (BullMQ mode; with no REDIS_URL it works the
 * embedded queue of this machine's AGENT_DATA_DIR). Run as many as you like, on any machine that
 * reaches the same Redis. SIGTERM stops taking jobs, waits AGENT_SHUTDOWN_GRACE_SECONDS, then
 * requeues what is still running.
 */
import { pathToFileURL } from "node:url";
import { parseEnv, secretValuesOf } from "./config/env.js";
import { createMetrics } from "./jobs/metrics.js";
import { startWorkerProcess } from "./jobs/start-worker-process.js";
import { createLogger } from "./shared/logger.js";
import { createGiveUpHook } from "./tasks/job-registry.js";
import { createJobHandler } from "./tasks/job-registry.js";
import { createTaskDeps } from "./tasks/create-task-deps.js";
import { startWorkspaceSweeper } from "./tasks/sweep-stale-workspaces.js";

export { startWorkerProcess } from "./jobs/start-worker-process.js";
export type { StartWorkerProcessOptions, WorkerProcess } from "./jobs/start-worker-process.js";

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  const metrics = createMetrics();
  const taskDeps = createTaskDeps({ env, log, metrics });
  const onGiveUp = createGiveUpHook(taskDeps.github, (error) => log.warn({ err: error }, "could not post the give-up comment"));
  const worker = await startWorkerProcess({ env, handler: createJobHandler(taskDeps), log, metrics, onGiveUp, metricsPort: env.AGENT_WORKER_METRICS_PORT });
  // Workspaces of jobs running anywhere on this queue (Redis, or the shared sqlite file) are kept.
  startWorkspaceSweeper(env, log, () => worker.queue.liveJobIds());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
