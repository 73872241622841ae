/**
 * `npm run worker`: a process that only runs jobs (BullMQ mode; with no REDIS_URL it works the
 * embedded queue of this machine's AGENT_DATA_DIR). Run as many as you like, on any machine that
 * reaches the same Redis. SIGTERM stops taking jobs, waits AGENT_SHUTDOWN_GRACE_SECONDS, then
 * requeues what is still running.
 */
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { parseEnv, secretValuesOf, type Env } from "./config/env.js";
import { createMetrics, type JobMetrics } from "./jobs/metrics.js";
import { startWorkerProcess } from "./jobs/start-worker-process.js";
import { createLogger } from "./shared/logger.js";
import { createJobHandler, type JobHandlerDeps } from "./tasks/create-job-handler.js";

export { startWorkerProcess } from "./jobs/start-worker-process.js";
export type { StartWorkerProcessOptions, WorkerProcess } from "./jobs/start-worker-process.js";

/**
 * The task deps (GitHub client factory, git, agent runner, sandbox, spend ledger...) are built by
 * `createTaskDeps` in src/tasks/create-task-deps.ts. It is loaded by path so this entry builds
 * before that module exists; a clear error says what is missing.
 */
async function loadTaskDeps(input: { env: Env; log: Logger; metrics: JobMetrics }): Promise<JobHandlerDeps> {
  const specifier = "./tasks/create-task-deps.js";
  const mod = (await import(specifier)) as { createTaskDeps?: (i: typeof input) => JobHandlerDeps | Promise<JobHandlerDeps> };
  if (typeof mod.createTaskDeps !== "function") throw new Error(`${specifier} does not export createTaskDeps`);
  return mod.createTaskDeps(input);
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  const metrics = createMetrics();
  const handler = createJobHandler(await loadTaskDeps({ env, log, metrics }));
  await startWorkerProcess({ env, handler, log, metrics });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
