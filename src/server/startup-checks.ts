/**
 * What `npm start` and `npm run worker` check before they say "ready", so a deployment that cannot
 * work says so in its first lines rather than in every job's failure:
 *  1. the sandbox self-test: bubblewrap starts a sandbox like the ones commands run in;
 *  2. the model endpoint: a cheap `GET /models` (reachable? key accepted? model offered?).
 * One log line per problem, each with its fix. Only processes that run jobs check: a web process
 * with REDIS_URL only enqueues, and its workers check for themselves.
 */
import type { Logger } from "pino";
import { checkModelEndpoint, type ModelEndpointCheck } from "../agent/index.js";
import type { Env } from "../config/env.js";
import type { JsonValue } from "../jobs/types.js";
import type { HealthProbeResult } from "./health-handler.js";
import { probeSandbox } from "./probe-sandbox.js";

export interface StartupChecks {
  ok: boolean;
  sandbox?: HealthProbeResult;
  model?: ModelEndpointCheck;
}

export interface StartupCheckOptions {
  env: Pick<Env, "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "AGENT_MODEL" | "AGENT_REVIEW_MODEL">;
  log: Logger;
  runsJobs: boolean;
  sandbox?: () => Promise<HealthProbeResult>;
  model?: typeof checkModelEndpoint;
}

export async function runStartupChecks(options: StartupCheckOptions): Promise<StartupChecks> {
  const { env, log } = options;
  if (!options.runsJobs) {
    log.info("start-up checks: this process only enqueues (REDIS_URL is set); each `npm run worker` checks the sandbox and the model endpoint");
    return { ok: true };
  }
  const [sandbox, model] = await Promise.all([
    (options.sandbox ?? probeSandbox)().catch((error: unknown): HealthProbeResult => ({
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
      fix: "see the README's Docker section",
    })),
    (options.model ?? checkModelEndpoint)({
      baseURL: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY,
      models: [env.AGENT_MODEL, env.AGENT_REVIEW_MODEL].filter((m): m is string => Boolean(m)),
    }),
  ]);
  if (!sandbox.ok) {
    log.error(
      { check: "sandbox", reason: sandbox.reason, fix: sandbox.fix },
      `start-up check failed: the sandbox cannot run commands, so every run will fail (${String(sandbox.reason)}). Fix: ${String(sandbox.fix)}`,
    );
  }
  for (const warning of Array.isArray(sandbox.warnings) ? sandbox.warnings : []) log.warn({ check: "sandbox" }, `start-up check: ${String(warning)}`);
  for (const { problem, fix } of model.problems)
    log.error({ check: "model", host: model.host, problem, fix }, `start-up check failed: ${problem}. Fix: ${fix}`);
  for (const note of model.notes) log.info({ check: "model", host: model.host }, `start-up check: ${note}`);
  const ok = sandbox.ok && model.ok;
  if (ok)
    log.info(
      { sandbox: sandbox.limits, modelEndpoint: model.host, models: model.models?.length },
      "start-up checks passed: the sandbox works and the model endpoint answers",
    );
  return { ok, sandbox, model };
}

/** What the health endpoints show of the start-up checks (no host names: they are public). */
export function startupHealthInfo(checks: StartupChecks): { [key: string]: JsonValue } {
  return checks.model ? { model: { ok: checks.model.ok, problems: checks.model.problems.length } } : {};
}
