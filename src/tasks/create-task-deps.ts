/**
 * Production wiring of the tasks' dependencies: the real agent, sandbox and secret scan, and the
 * repository ports over an Octokit per installation from the Probot instance (the ports know the
 * app's own login as start-up resolved it). main.ts / the worker call this once.
 */
import type { Logger } from "pino";
import { Probot } from "probot";
import { runAgent } from "../agent/index.js";
import type { Env } from "../config/env.js";
import { createProbotClientFactory, type GitHubClientFactory, type ObservedCall } from "../github/client.js";
import { botLoginOf, createLabelEnsurer } from "../github/repo-github.js";
import { createQuotaTracker, type QuotaTracker } from "../github/quota.js";
import type { JobMetrics } from "../jobs/metrics.js";
import { createSandbox } from "../sandbox/index.js";
import { createGitOps } from "../workspace/index.js";
import { createSpendLedger, redisSpendStore, sqliteSpendStore } from "./spend-ledger.js";
import type { GitOps, TaskDeps } from "./task-deps.js";

export interface CreateTaskDepsOptions {
  env: Env;
  log?: Logger | undefined;
  /** The app's Probot; a worker-only process gets one built from APP_ID / PRIVATE_KEY / GHE_HOST. */
  probot?: Pick<Probot, "auth">;
  /** Defaults to the real workspace (isomorphic-git) under AGENT_DATA_DIR. */
  git?: GitOps;
  metrics?: JobMetrics | undefined;
}

function probotFromEnv(env: Env, log: Logger | undefined): Pick<Probot, "auth"> {
  if (!env.APP_ID || !env.privateKey) throw new Error("APP_ID and PRIVATE_KEY are required to run GitHub jobs");
  return new Probot({ appId: Number(env.APP_ID), privateKey: env.privateKey, baseUrl: env.githubApiUrl, ...(log ? { log } : {}) });
}

/** Every answer from GitHub: count the call by route, note the installation's remaining quota. */
export function observeGitHubCalls(quota: QuotaTracker, metrics: JobMetrics | undefined): (call: ObservedCall) => void {
  return (call) => {
    quota.record(call);
    metrics?.githubCalls.inc({ endpoint: call.endpoint });
    if (call.remaining !== undefined) metrics?.githubQuotaRemaining.set({ installation: String(call.installationId) }, call.remaining);
  };
}

const MB = 1024 * 1024;

/** The workspace (worker processes, repository cache) as the operator configured it. */
export function createGitOpsFromEnv(env: Env): GitOps {
  return createGitOps({
    dataDir: env.AGENT_DATA_DIR,
    maxRepoBytes: env.AGENT_MAX_REPO_MB * MB,
    cloneDepth: env.AGENT_CLONE_DEPTH,
    maxFileBytes: env.AGENT_MAX_COMMIT_FILE_MB * MB,
    treeCaps: { maxEntries: env.AGENT_MAX_TREE_FILES, maxTotalBytes: env.AGENT_MAX_TREE_MB * MB, maxBlobBytes: env.AGENT_MAX_BLOB_MB * MB },
    cacheMaxBytes: env.AGENT_REPO_CACHE_MB * MB,
    nativeGit: env.AGENT_NATIVE_GIT,
    limits: {
      heapMb: Math.max(128, Math.floor(env.AGENT_WORKSPACE_MEMORY_MB / 2)),
      memoryBytes: env.AGENT_WORKSPACE_MEMORY_MB * MB,
      cloneTimeoutMs: env.AGENT_WORKSPACE_TIMEOUT_MINUTES * 60_000,
      opTimeoutMs: env.AGENT_WORKSPACE_TIMEOUT_MINUTES * 60_000,
    },
  });
}

/** The factory is returned whole: the webhook side (app.ts) also mints handler clients from it. */
export function createTaskDeps(options: CreateTaskDepsOptions): TaskDeps & { quota: QuotaTracker; github: GitHubClientFactory } {
  const quota = createQuotaTracker({ reserve: options.env.AGENT_GITHUB_QUOTA_RESERVE });
  return {
    env: options.env,
    quota,
    github: createProbotClientFactory(options.probot ?? probotFromEnv(options.env, options.log), {
      observe: observeGitHubCalls(quota, options.metrics),
      // Read per port: the slug learnt at start-up (server/process-setup.ts), or later by its background retry.
      botLogin: () => botLoginOf(options.env.APP_SLUG),
    }),
    git: options.git ?? createGitOpsFromEnv(options.env),
    runAgent: (input) => runAgent(input),
    createSandbox,
    spend: createSpendLedger(
      { perRepoPerDay: options.env.AGENT_MAX_USD_PER_REPO_PER_DAY, perInstallationPerDay: options.env.AGENT_MAX_USD_PER_INSTALLATION_PER_DAY },
      options.env.REDIS_URL ? redisSpendStore(options.env.REDIS_URL) : sqliteSpendStore(options.env.AGENT_DATA_DIR),
    ),
    metrics: options.metrics,
    ensureTriggerLabel: createLabelEnsurer((error, where) => options.log?.warn({ err: error, label: where }, "could not create the trigger label")),
  };
}
