/**
 * `pull_request` opened / synchronize / ready_for_review / reopened -> a security-review job,
 * as `.github/agent.yml` (default branch) allows: `review.enabled`, `review.events`, drafts only
 * with `review.includeDrafts`, the app's own PRs unless `review.reviewOwnPullRequests: false`.
 * The review only reads and comments, so no sender permission is needed; an invalid config skips
 * the automatic review quietly (the next command trigger explains it).
 */
import { requestJob } from "../tasks/job-payloads.js";
import type { Context } from "probot";
import { REVIEW_EVENTS } from "../config/repo-config.js";
import { loadTriggerConfig, type HandlerDeps } from "./trigger-flow.js";

export const PULL_REQUEST_REVIEW_EVENTS = REVIEW_EVENTS.map((a) => `pull_request.${a}` as const);

type PullRequestContext = Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.ready_for_review" | "pull_request.reopened">;

export function handlePullRequestEvent(deps: Pick<HandlerDeps, "env" | "queue">) {
  return async (context: PullRequestContext): Promise<void> => {
    const { payload, octokit } = context;
    const { pull_request: pr, repository, sender, action } = payload;
    const installationId = payload.installation?.id;
    if (installationId === undefined || pr.state !== "open") return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: pr.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, pr: pr.number, action });
    const loaded = await loadTriggerConfig(octokit, deps.env, ref);
    if (!loaded.ok) {
      log.info({ issues: loaded.error.issues }, "security review skipped: invalid repository config");
      return;
    }
    const review = loaded.config.review;
    if (!review.enabled || !review.events.includes(action)) return;
    if (pr.draft && !review.includeDrafts) {
      log.debug("security review skipped: draft");
      return;
    }
    const own = deps.env.APP_SLUG !== undefined && (pr.user?.login ?? "").toLowerCase() === `${deps.env.APP_SLUG.toLowerCase()}[bot]`;
    if (own && !review.reviewOwnPullRequests) return;
    const result = await deps.queue.enqueue(
      requestJob(
          "security-review",
        { installationId, owner: ref.owner, repo: ref.repo, prNumber: pr.number, headSha: pr.head.sha, trigger: action, requester: { login: sender.login, id: sender.id } },
        context.id,
      ),
    );
    log.info({ jobId: result.jobId, status: result.status }, "security review enqueued");
  };
}
