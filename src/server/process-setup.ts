/**
 * What both entry points (`npm start`: src/main.ts, `npm run worker`: src/worker.ts) do before
 * anything else, so they behave the same: read `.env`, parse the environment (one line and exit 1
 * when it is wrong), and learn the app's slug from GitHub.
 */
import { processEnv } from "../config/process-env.js";
import { readFileSync } from "node:fs";
import { Probot } from "probot";
import { parseEnv, type Env } from "../config/env.js";
import { loadDotEnv } from "../config/load-dot-env.js";
import { resolveAppSlug } from "../github/app-identity.js";
import { ConfigError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { redactSecrets } from "../shared/redact.js";

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

export function fail(message: string): never {
  process.stderr.write(`issue-agent: ${redactSecrets(message)}\n`);
  process.exit(1);
}

/** `.env`, then the parsed environment, or one line naming what is wrong and exit 1. */
export function loadEnv(): Env {
  loadDotEnv();
  try {
    return parseEnv(processEnv());
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Learn `<slug>[bot]` once (APP_SLUG overrides); every part of the app reads it from `env`. */
export async function learnAppSlug(env: Env, log: Logger): Promise<void> {
  if (!env.APP_ID || !env.privateKey) return;
  const probot = new Probot({ appId: Number(env.APP_ID), privateKey: env.privateKey, baseUrl: env.githubApiUrl, log: log.child({ name: "app-identity" }) });
  await resolveAppSlug({ probot, log, override: env.APP_SLUG, onSlug: (slug) => (env.APP_SLUG = slug) });
}
