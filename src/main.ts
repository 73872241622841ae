/**
 * `npm start`: the app's entry point.
 *  1. Read `.env` (what Probot's setup flow writes), then parse and validate the environment once.
 *     A bad value prints one line naming the variable and exits 1.
 *  2. Build the redacting logger.
 *  3. Without APP_ID: Probot's setup (manifest) flow. With it: the webhook server, queue and worker.
 *  4. On SIGTERM/SIGINT: stop taking requests, let running jobs finish for the grace period, exit.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv as parseDotEnv } from "node:util";
import { parseEnv, secretValuesOf } from "./config/env.js";
import { createRuntime } from "./server/create-runtime.js";
import { startServer, type RunningServer } from "./server/start-server.js";
import { startSetup } from "./server/start-setup.js";
import { ConfigError } from "./shared/errors.js";
import { createLogger } from "./shared/logger.js";
import { redactSecrets } from "./shared/redact.js";

/** Values already in the environment win over `.env`, as with dotenv. */
function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, "utf8")))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

function fail(message: string): never {
  process.stderr.write(`issue-agent: ${redactSecrets(message)}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadDotEnv();
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
  const version = packageVersion();

  let running: RunningServer;
  if (env.hasCredentials) {
    running = await startServer({ env, log, version, ...createRuntime(env, log) });
    log.info({ version, webhookPath: env.WEBHOOK_PATH, githubApiUrl: env.githubApiUrl }, "issue-agent is ready");
  } else {
    running = await startSetup(env, log);
  }

  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, "shutting down");
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((error: unknown) => fail(`failed to start: ${error instanceof Error ? error.message : String(error)}`));
