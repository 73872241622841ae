/**
 * `npm run worker`: a process that only runs jobs (BullMQ mode; with no REDIS_URL it works the
 * embedded queue of this machine's AGENT_DATA_DIR). Run as many as you like, on any machine that
 * reaches the same Redis. It reads `.env` like `npm start`, learns the app's slug, runs the same
 * start-up checks (sandbox self-test, model endpoint), and with AGENT_WORKER_METRICS_PORT serves
 * /metrics, /healthz and /readyz (Redis reachable, sandbox working). SIGTERM stops taking jobs,
 * waits AGENT_SHUTDOWN_GRACE_SECONDS, then requeues what is still running.
 */
import { pathToFileURL } from "node:url";
import { secretValuesOf } from "./config/env.js";
import { createMetrics } from "./jobs/metrics.js";
import { startWorkerProcess } from "./jobs/start-worker-process.js";
import { createHealthHandler } from "./server/health-handler.js";
import { probeSandbox } from "./server/probe-sandbox.js";
import { toProbeResult } from "./server/start-server.js";
import { runStartupChecks, startupHealthInfo } from "./server/startup-checks.js";
import { createLogger } from "./shared/logger.js";
import { createGiveUpHook } from "./tasks/job-registry.js";
import { createJobHandler } from "./tasks/job-registry.js";
import { createTaskDeps } from "./tasks/create-task-deps.js";
import { startWorkspaceSweeper } from "./tasks/sweep-stale-workspaces.js";
import { fail, learnAppSlug, loadEnv, packageVersion } from "./server/process-setup.js";

export { startWorkerProcess } from "./jobs/start-worker-process.js";
export type { StartWorkerProcessOptions, WorkerProcess } from "./jobs/start-worker-process.js";

async function main(): Promise<void> {
  const env = loadEnv();
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  await learnAppSlug(env, log);
  const checks = await runStartupChecks({ env, log, runsJobs: true });
  const metrics = createMetrics();
  const taskDeps = createTaskDeps({ env, log, metrics });
  const onGiveUp = createGiveUpHook(taskDeps.github, (error) => log.warn({ err: error }, "could not post the give-up comment"));
  const worker = await startWorkerProcess({
    env,
    handler: createJobHandler(taskDeps),
    log,
    metrics,
    onGiveUp,
    metricsPort: env.AGENT_WORKER_METRICS_PORT,
    healthHandler: ({ queue, isReady }) =>
      createHealthHandler({
        version: packageVersion(),
        isReady,
        queue: async () => toProbeResult(await queue.probe()),
        sandbox: probeSandbox,
        runsJobs: true,
        info: () => startupHealthInfo(checks),
      }),
  });
  // Workspaces of jobs running anywhere on this queue (Redis, or the shared sqlite file) are kept.
  startWorkspaceSweeper(env, log, () => worker.queue.liveJobIds());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => fail(`failed to start: ${error instanceof Error ? error.message : String(error)}`));
}
