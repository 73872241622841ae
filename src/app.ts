/**
 * The Probot application function: wiring only. Each trigger has its own handler file in
 * src/handlers/ that checks who is asking, acknowledges and enqueues a job.
 */
import type { ApplicationFunction, Probot } from "probot";
import type { Env } from "./config/env.js";
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

export interface AppDeps {
  env: Env;
  queue: JobQueue;
  /** Per-user/per-repo trigger limits; defaults to an in-memory limiter from the env caps. */
  limiter?: TriggerLimiter;
  /** Handlers run after the delivery is acknowledged; shutdown and tests wait on this. */
  handlers?: HandlerTracker;
}

export function createApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    const handlerDeps = {
      env: deps.env,
      queue: deps.queue,
      limiter:
        deps.limiter ??
        createTriggerLimiter({ perUserPerHour: deps.env.AGENT_TRIGGERS_PER_USER_PER_HOUR, perRepoPerHour: deps.env.AGENT_TRIGGERS_PER_REPO_PER_HOUR }),
    };
    const tracker = deps.handlers ?? createHandlerTracker();
    // Explicit (event, action) allow-list: everything else is acknowledged and ignored (THREATS A11).
    app.on("issues.labeled", acknowledgeFirst(tracker, handleIssuesLabeled(handlerDeps)));
    app.on("issue_comment.created", acknowledgeFirst(tracker, handleIssueCommentCreated(handlerDeps)));
    app.on("pull_request_review_comment.created", acknowledgeFirst(tracker, handlePullRequestReviewCommentCreated(handlerDeps)));
    app.on("check_run.completed", acknowledgeFirst(tracker, handleCheckRunCompleted(handlerDeps)));
    app.on([...PULL_REQUEST_REVIEW_EVENTS], acknowledgeFirst(tracker, handlePullRequestEvent(handlerDeps)));
    app.on(["issues.closed", "pull_request.closed"], acknowledgeFirst(tracker, handleRunClosed(handlerDeps)));
    // Installation events reach every GitHub App without subscribing: create the trigger label.
    app.on(["installation.created", "installation_repositories.added"], acknowledgeFirst(tracker, handleInstallationAdded(handlerDeps)));
  };
}
