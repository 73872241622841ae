/**
 * `pull_request` opened / synchronize / ready_for_review / reopened -> a security-review job,
 * as `.github/agent.yml` (default branch) allows: `review.enabled`, `review.events`, drafts only
 * with `review.includeDrafts`, the app's own PRs unless `review.reviewOwnPullRequests: false`.
 * The review only reads and comments, so no sender permission is needed; an invalid config skips
 * the automatic review quietly (the next command trigger explains it).
 *
 * Anyone who can open a PR can push to it, so automatic reviews are bounded:
 * - coalesced: at most one waits per PR, and a newer push replaces it (the older head is moot);
 * - rate-limited per PR author and per repository (AGENT_REVIEWS_PER_*_PER_HOUR); a push that
 *   only replaces a waiting review adds no run and is not counted;
 * - paused while the installation's REST quota is low, so commands people give keep working.
 */
import { requestJob } from "../tasks/job-payloads.js";
import type { Context } from "probot";
import { REVIEW_EVENTS } from "../config/repo-config.js";
import { loadTriggerConfig, repoGitHub, type HandlerDeps } from "./trigger-flow.js";

export const PULL_REQUEST_REVIEW_EVENTS = REVIEW_EVENTS.map((a) => `pull_request.${a}` as const);

type PullRequestContext = Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.ready_for_review" | "pull_request.reopened">;

export function handlePullRequestEvent(deps: Pick<HandlerDeps, "env" | "queue" | "github" | "reviewLimiter" | "quota" | "metrics" | "configCache">) {
  // Per PR, one event at a time decides (is a review waiting? count it? enqueue): concurrent
  // handlers of a burst would otherwise all see nothing waiting and all count against the limits.
  const serial = serializeByKey();
  return async (context: PullRequestContext): Promise<void> => {
    const { payload, octokit } = context;
    const { pull_request: pr, repository, sender, action } = payload;
    const installationId = payload.installation?.id;
    if (installationId === undefined || pr.state !== "open") return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: pr.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, pr: pr.number, action });
    // Paused while the installation's quota is low: not even the config is read.
    if (deps.quota?.isLow(installationId)) {
      deps.metrics?.automaticSkipped.inc({ kind: "security-review", reason: "quota" });
      log.info("automatic security review not queued: the installation's API quota is low");
      return;
    }
    const gh = repoGitHub(octokit, deps, ref);
    const loaded = await loadTriggerConfig(gh, deps, installationId);
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
    const author = pr.user?.login ?? "ghost";
    const own = gh.isSelf(pr.user);
    if (own && !review.reviewOwnPullRequests) return;
    const skip = (reason: string) => {
      deps.metrics?.automaticSkipped.inc({ kind: "security-review", reason });
      log.info({ reason, author }, "automatic security review not queued");
    };
    const request = requestJob(
      "security-review",
      {
        installationId,
        owner: ref.owner,
        repo: ref.repo,
        repoId: repository.id,
        prNumber: pr.number,
        headSha: pr.head.sha,
        trigger: action,
        requester: { login: sender.login, id: sender.id },
      },
      context.id,
    );
    await serial(request.key, async () => {
      if (deps.reviewLimiter && (await deps.queue.waiting(request.key, "security-review")) === 0) {
        const limit = deps.reviewLimiter.tryTrigger(`${ref.owner}/${ref.repo}`, author);
        if (!limit.ok) return skip(`rate-limited-${limit.scope}`);
      }
      const result = await deps.queue.enqueue(request);
      if ((result.replaced ?? 0) > 0) deps.metrics?.automaticSkipped.inc({ kind: "security-review", reason: "coalesced" }, result.replaced);
      log.info({ jobId: result.jobId, status: result.status, replaced: result.replaced ?? 0 }, "security review enqueued");
    });
  };
}

/** Run tasks of one key one after another (in this process); different keys run concurrently. */
function serializeByKey(): (key: string, task: () => Promise<void>) => Promise<void> {
  const tails = new Map<string, Promise<void>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
