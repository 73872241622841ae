/**
 * The Probot application function: wiring only. Each trigger has its own handler file in
 * src/handlers/ that checks who is asking, acknowledges and enqueues a job.
 */
import type { Logger } from "pino";
import type { ApplicationFunction, Probot } from "probot";
import type { Env } from "./config/env.js";
import type { GitHubClient, GitHubClientFactory } from "./github/client.js";
import type { QuotaView } from "./github/quota.js";
import { TOKEN_SCOPES } from "./github/token-scopes.js";
import type { JobMetrics } from "./jobs/metrics.js";
import type { JobQueue } from "./jobs/types.js";
import { handleCheckRunCompleted } from "./handlers/check-run-completed.js";
import { handleIssueCommentCreated } from "./handlers/issue-comment-created.js";
import { handleInstallationAdded } from "./handlers/installation-added.js";
import { handleIssuesLabeled } from "./handlers/issues-labeled.js";
import { handleRunClosed } from "./handlers/run-closed.js";
import { handlePullRequestEvent, PULL_REQUEST_REVIEW_EVENTS } from "./handlers/pull-request-event.js";
import { handlePullRequestReviewCommentCreated } from "./handlers/review-comment-created.js";
import { acknowledgeFirst, createHandlerTracker, type HandlerTracker } from "./handlers/handler-tracker.js";
import { createTriggerLimiter, type TriggerLimiter } from "./handlers/trigger-limiter.js";
import { createConfigCache } from "./handlers/trigger-flow.js";

/** How long webhook handlers reuse a repository's loaded config. */
export const CONFIG_CACHE_MS = 60_000;

export interface AppDeps {
  env: Env;
  queue: JobQueue;
  /** Per-user/per-repo trigger limits; defaults to an in-memory limiter from the env caps. */
  limiter?: TriggerLimiter;
  /** Handlers run after the delivery is acknowledged; shutdown and tests wait on this. */
  handlers?: HandlerTracker;
  /**
   * Least-privilege clients: each handler's `context.octokit` is replaced by one whose token names
   * only the event's repository (TOKEN_SCOPES.handler), before it makes any call.
   */
  github?: GitHubClientFactory;
  quota?: QuotaView;
  metrics?: Pick<JobMetrics, "automaticSkipped">;
}

interface ScopableContext {
  octokit: GitHubClient;
  payload: { installation?: { id: number } | null; repository?: { id: number } | null };
}

/** Give the handler a client limited to the event's repository instead of Probot's installation-wide one. */
function scoped<C>(github: GitHubClientFactory | undefined, handler: (context: C) => Promise<void>): (context: C) => Promise<void> {
  if (!github) return handler;
  return async (context) => {
    const c = context as unknown as ScopableContext;
    const installationId = c.payload.installation?.id;
    const repoId = c.payload.repository?.id;
    if (installationId !== undefined && repoId !== undefined) c.octokit = await github.forInstallation(installationId, TOKEN_SCOPES.handler(repoId));
    return handler(context);
  };
}

export function createApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    const handlerDeps = {
      env: deps.env,
      queue: deps.queue,
      limiter:
        deps.limiter ??
        createTriggerLimiter({ perUserPerHour: deps.env.AGENT_TRIGGERS_PER_USER_PER_HOUR, perRepoPerHour: deps.env.AGENT_TRIGGERS_PER_REPO_PER_HOUR }),
      reviewLimiter: createTriggerLimiter({
        perUserPerHour: deps.env.AGENT_REVIEWS_PER_AUTHOR_PER_HOUR,
        perRepoPerHour: deps.env.AGENT_REVIEWS_PER_REPO_PER_HOUR,
      }),
      // A burst of pushes (or comments) on one repository reads `.github/agent.yml` once a minute at most.
      configCache: createConfigCache({ ttlMs: CONFIG_CACHE_MS }),
      ...(deps.github ? { github: deps.github } : {}),
      ...(deps.quota ? { quota: deps.quota } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    };
    const tracker = deps.handlers ?? createHandlerTracker();
    const on = <C extends { id: string; log: Pick<Logger, "error" | "info"> }>(handler: (context: C) => Promise<void>) =>
      acknowledgeFirst(tracker, scoped(deps.github, handler));
    // Explicit (event, action) allow-list: everything else is acknowledged and ignored (THREATS A11).
    app.on("issues.labeled", on(handleIssuesLabeled(handlerDeps)));
    app.on("issue_comment.created", on(handleIssueCommentCreated(handlerDeps)));
    app.on("pull_request_review_comment.created", on(handlePullRequestReviewCommentCreated(handlerDeps)));
    app.on("check_run.completed", on(handleCheckRunCompleted(handlerDeps)));
    app.on([...PULL_REQUEST_REVIEW_EVENTS], on(handlePullRequestEvent(handlerDeps)));
    app.on(["issues.closed", "pull_request.closed"], on(handleRunClosed(handlerDeps)));
    // Installation events reach every GitHub App without subscribing: create the trigger label.
    app.on(["installation.created", "installation_repositories.added"], acknowledgeFirst(tracker, handleInstallationAdded(handlerDeps)));
  };
}
