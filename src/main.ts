/**
 * `npm start`: the app's entry point.
 *  1. Read `.env` (what Probot's setup flow writes), then parse and validate the environment once.
 *     A bad value prints one line naming the variable and exits 1.
 *  2. Build the redacting logger.
 *  3. Without APP_ID: the setup (manifest) flow. With it: learn the app's slug (`GET /app`), run the
 *     start-up checks (sandbox self-test, model endpoint), then serve webhooks with the queue and,
 *     in embedded mode, the worker.
 *  4. On SIGTERM/SIGINT: stop taking requests, let running jobs finish for the grace period, exit;
 *     a shutdown that hangs (Redis gone) is cut short at the grace period plus 10 s.
 */
import { secretValuesOf } from "./config/env.js";
import { installSignalHandlers, shutdownDeadlineMs } from "./jobs/install-signal-handlers.js";
import { createRuntime } from "./server/create-runtime.js";
import { startServer, type RunningServer } from "./server/start-server.js";
import { startSetup } from "./server/start-setup.js";
import { fail, learnAppSlug, loadEnv, packageVersion } from "./server/process-setup.js";
import { runStartupChecks, startupHealthInfo } from "./server/startup-checks.js";
import { createLogger } from "./shared/logger.js";

async function main(): Promise<void> {
  const env = loadEnv();
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  const version = packageVersion();

  let running: RunningServer;
  if (env.hasCredentials) {
    await learnAppSlug(env, log);
    const runtime = createRuntime(env, log);
    const checks = await runStartupChecks({ env, log, runsJobs: runtime.queueMode === "embedded" });
    running = await startServer({ env, log, version, ...runtime, healthInfo: () => startupHealthInfo(checks) });
    log.info(
      { version, webhookPath: env.WEBHOOK_PATH, githubApiUrl: env.githubApiUrl, checksPassed: checks.ok },
      checks.ok ? "issue-agent is ready" : "issue-agent is up, but a start-up check failed (see above): runs will fail until it is fixed",
    );
  } else {
    running = await startSetup(env, log);
  }
  installSignalHandlers({ log, shutdown: () => running.stop(), deadlineMs: shutdownDeadlineMs(env.AGENT_SHUTDOWN_GRACE_SECONDS) });
}

main().catch((error: unknown) => fail(`failed to start: ${error instanceof Error ? error.message : String(error)}`));
