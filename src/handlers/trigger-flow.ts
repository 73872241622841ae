/**
 * The steps every trigger shares, in order: load the repo config (default branch only), decide
 * whether the sender may start work, count the trigger against the rate limits, then acknowledge
 * (👀 + one "queued" status comment) and enqueue. A handler file picks the event apart and calls
 * these; none of them clones, calls a model or holds task logic.
 */
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { applyOperatorCaps, DEFAULT_REPO_CONFIG, type EffectiveConfig } from "../config/repo-config.js";
import { CONFIG_SCOPE, type GitHubClient, type GitHubClientFactory } from "../github/client.js";
import type { QuotaView } from "../github/quota.js";
import type { JobMetrics } from "../jobs/metrics.js";
import { renderMarker } from "../github/markers.js";
import {
  botLoginOf,
  createRepoGitHub,
  type RepoGitHub,
  type RepoReactionTarget,
  type RepoScope,
  type RepoStatusTarget,
  type Sender,
} from "../github/repo-github.js";
import type { JobQueue, JsonValue } from "../jobs/types.js";
import { ConfigError } from "../shared/errors.js";
import { requestJob, type JobPayloadInput, type StatusRef } from "../tasks/job-payloads.js";
import type { TriggerLimiter } from "./trigger-limiter.js";

export interface HandlerDeps {
  env: Env;
  queue: JobQueue;
  limiter: TriggerLimiter;
  /** Limits for automatic security reviews, per PR author and per repository. */
  reviewLimiter?: TriggerLimiter;
  /**
   * Mints the handlers' least-privilege clients (app.ts scopes `context.octokit` to the event's
   * repository) and the read-only client config is read with. Absent: `context.octokit` as is.
   */
  github?: GitHubClientFactory;
  /** The installations' REST quota as last seen: automatic work pauses when it is low. */
  quota?: QuotaView;
  metrics?: Pick<JobMetrics, "automaticSkipped">;
  /** Recently loaded configs, so a burst of events on one repository reads `.github/agent.yml` once. */
  configCache?: ConfigCache;
}

/** Loaded configs per repository for a short time (a config edit applies to triggers within that time). */
export interface ConfigCache {
  get(key: string): Promise<LoadedConfig> | undefined;
  set(key: string, value: Promise<LoadedConfig>): void;
}

export function createConfigCache(options: { ttlMs: number; now?: () => number; maxEntries?: number }): ConfigCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; value: Promise<LoadedConfig> }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit && now() - hit.at < options.ttlMs) return hit.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value) {
      entries.set(key, { at: now(), value });
      while (entries.size > (options.maxEntries ?? 1000)) entries.delete(entries.keys().next().value as string);
      // A failed read (network, 5xx) is not remembered.
      value.catch(() => entries.delete(key));
    },
  };
}

/**
 * The GitHub port for the event's repository, over the handler's client (app.ts limits it to that
 * repository). The app's login is the one resolved at start-up (written to `env.APP_SLUG`, which
 * also takes the operator's override): this is the one place the handlers read it.
 */
export function repoGitHub(octokit: GitHubClient, deps: Pick<HandlerDeps, "env">, repo: RepoScope): RepoGitHub {
  return createRepoGitHub(octokit, { owner: repo.owner, repo: repo.repo }, { botLogin: botLoginOf(deps.env.APP_SLUG) });
}

export interface RepoRef {
  owner: string;
  repo: string;
  /** Issue or PR number the conversation lives on (for refusals and config errors). */
  number: number;
}

export type LoadedConfig = { ok: true; config: EffectiveConfig } | { ok: false; error: ConfigError };

/**
 * The repo config from the default branch. Read with a contents:read client when the factory is
 * there: the file may come from the owner's `.github` repository or an `_extends` target, which
 * the event's one-repository client cannot read.
 */
export async function loadTriggerConfig(
  gh: RepoGitHub,
  deps: Pick<HandlerDeps, "env" | "github" | "configCache">,
  installationId?: number,
): Promise<LoadedConfig> {
  if (!deps.configCache || installationId === undefined) return readTriggerConfig(gh, deps, installationId);
  const key = `${installationId}:${gh.owner}/${gh.repo}`.toLowerCase();
  const cached = deps.configCache.get(key);
  if (cached) return cached;
  const loading = readTriggerConfig(gh, deps, installationId);
  deps.configCache.set(key, loading);
  return loading;
}

async function readTriggerConfig(gh: RepoGitHub, deps: Pick<HandlerDeps, "env" | "github">, installationId?: number): Promise<LoadedConfig> {
  try {
    const reader = deps.github && installationId !== undefined ? await deps.github.forRepo(installationId, CONFIG_SCOPE, gh, { botLogin: gh.botLogin }) : gh;
    const { config } = await reader.loadConfig();
    return { ok: true, config: applyOperatorCaps(config, deps.env) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
}

/**
 * Authorize with the config when it loaded, or with the defaults (and the operator's floor) when it
 * did not, and explain an invalid config only to someone who could have started a run.
 * Returns the config when work may go on, or null when the handler must stop.
 */
export async function gateTrigger(
  gh: RepoGitHub,
  deps: HandlerDeps,
  number: number,
  sender: Sender,
  loaded: LoadedConfig,
  log: Logger,
): Promise<EffectiveConfig | null> {
  const config = loaded.ok ? loaded.config : applyOperatorCaps(DEFAULT_REPO_CONFIG, deps.env);
  const auth = await gh.authorizeSender(sender, { minPermission: config.trigger.minPermission, allowedBots: config.trigger.allowedBots });
  const repoName = `${gh.owner}/${gh.repo}`;
  if (!auth.allowed) {
    log.info({ sender: sender.login, reason: auth.reason }, "trigger refused");
    if (!auth.silent && deps.limiter.shouldRefuse(repoName, sender.login)) {
      const text = `Thanks for the request. Only people with **${config.trigger.minPermission}** access (or higher) to this repository can start issue-agent, so nothing was started. A maintainer can trigger it for you.`;
      await gh.postComment(number, `${text}\n\n${renderMarker("refusal", { user: sender.login })}`);
    }
    return null;
  }
  if (!loaded.ok) {
    await gh.reportConfigError(number, loaded.error);
    log.warn({ issues: loaded.error.issues }, "invalid repository config reported");
    return null;
  }
  const limit = deps.limiter.tryTrigger(repoName, sender.login);
  if (!limit.ok) {
    log.info({ sender: sender.login, scope: limit.scope }, "trigger rate-limited");
    if (deps.limiter.shouldRefuse(repoName, `${sender.login}:rate`)) {
      const who = limit.scope === "user" ? "you have" : "this repository has";
      await gh.postComment(
        number,
        `issue-agent is pausing: ${who} started too many runs in the last hour. Try again in about ${limit.retryAfterMinutes} minutes.\n\n${renderMarker("refusal", { user: sender.login, rate: true })}`,
      );
    }
    return null;
  }
  return config;
}

export interface StartRunParams<K extends "resolve-issue" | "fix-pr"> {
  kind: K;
  key: string;
  deliveryId: string;
  title: string;
  reaction: RepoReactionTarget;
  statusTarget: RepoStatusTarget;
  /** Build the job payload once the status comment exists (validated by the kind's schema). */
  payload: (status: StatusRef) => JobPayloadInput<K>;
  /** Extra fields for the status marker (e.g. `autofix: true`, counted against autofix.maxAttempts). */
  marker?: { [key: string]: JsonValue };
}

/** 👀 at once, one "queued" status comment, then enqueue. A redelivered webhook leaves no trace. */
export async function startRun<K extends "resolve-issue" | "fix-pr">(gh: RepoGitHub, deps: HandlerDeps, params: StartRunParams<K>, log: Logger): Promise<void> {
  // A redelivered webhook must not flash a second status comment; the enqueue below stays the
  // authority for two copies arriving at the same moment.
  if (await deps.queue.hasDelivery(params.deliveryId)) {
    log.info({ deliveryId: params.deliveryId }, "duplicate delivery ignored");
    return;
  }
  try {
    await gh.addEyesReaction(params.reaction);
  } catch (error) {
    log.warn({ err: error }, "could not add the reaction");
  }
  const marker = { ...params.marker, key: params.key, delivery: params.deliveryId, kind: params.kind };
  const ref = await gh.createStatusComment(params.statusTarget, { title: params.title, phase: "queued" }, marker);
  const status: StatusRef =
    ref.target.type === "issue"
      ? { type: "issue", number: ref.target.number, commentId: ref.commentId }
      : { type: "review-thread", pullNumber: ref.target.pullNumber, inReplyTo: ref.target.inReplyTo, commentId: ref.commentId };
  const result = await deps.queue.enqueue(requestJob(params.kind, params.payload(status), params.deliveryId));
  if (result.status === "duplicate") {
    await gh.deleteStatusComment(ref);
    log.info({ deliveryId: params.deliveryId }, "duplicate delivery ignored");
    return;
  }
  if (result.position > 0) {
    // Tell the user they wait behind earlier runs on the same issue/PR.
    await gh
      .setStatus(ref, { title: params.title, phase: "queued", position: result.position }, marker)
      .catch((error: unknown) => log.warn({ err: error }, "could not show the queue position"));
  }
  log.info({ jobId: result.jobId, key: params.key, position: result.position }, "job enqueued");
}
