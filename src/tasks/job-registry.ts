/**
 * The job registry's run side: for each kind, its run frame (token scope, status, checks before the
 * config, what an invalid config and a spending cap do) and the function that runs it inside the
 * frame (task-frame.ts). Together with job-payloads.ts (schema, key, status target of each kind) it
 * is the one place a job kind is declared; the queue's job handler and give-up hook are generic
 * over both.
 */
import type { GitHubClientFactory } from "../github/client.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import type { GiveUpHook, JobContext, JobHandler, JobKind, JobOutcome } from "../jobs/types.js";
import { redactSecrets } from "../shared/redact.js";
import { runFixPr } from "./fix-pr.js";
import { parseJobPayload, statusOfJob, statusTargetOf, type JobPayload } from "./job-payloads.js";
import { runResolveIssue } from "./resolve-issue.js";
import { openReviewSummary, readReviewedPullRequest, REVIEW_CALL_BUDGET, runSecurityReview, skipWhileQuotaLow } from "./security-review.js";
import { openStatusComment, runInTaskFrame, type FrameSpec, type RunStatus, type TaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

export interface JobHandlerDeps extends TaskDeps {
  /** Override the security-review task (tests); defaults to src/tasks/security-review.ts. */
  runSecurityReview?: (job: JobContext) => Promise<JobOutcome>;
}

type Runner = (deps: JobHandlerDeps, job: JobContext) => Promise<JobOutcome>;

/** A kind's frame and body, bound into a runner: parse the payload, build the frame, run the body in it. */
function framed<K extends JobKind, S extends RunStatus, B>(
  kind: K,
  frame: (deps: JobHandlerDeps, job: JobContext, p: JobPayload<K>) => FrameSpec<S, B>,
  body: (deps: JobHandlerDeps, job: JobContext, p: JobPayload<K>, frame: TaskFrame<S>, before: B) => Promise<JobOutcome>,
): Runner {
  return (deps, job) => {
    const p = parseJobPayload(kind, job.payload);
    return runInTaskFrame(deps, job, frame(deps, job, p), (f, before) => body(deps, job, p, f, before));
  };
}

/** The coding kinds: the agent-run token, the status comment the handler created; a cap or an invalid config ends the run. */
const codingFrame = (p: JobPayload<"resolve-issue" | "fix-pr">) =>
  ({
    installationId: p.installationId,
    owner: p.owner,
    repo: p.repo,
    repoId: p.repoId,
    model: p.model,
    scope: TOKEN_SCOPES.agentRun,
    onConfigError: "report",
    onSpendCap: "stop",
    modelPurpose: "run",
    ensureTriggerLabel: true,
  }) as const;

// The review: its own token and call budget, its summary comment as status; an invalid config is
// skipped (logged), and a spending cap only keeps the model out (the deterministic checks still run).
const securityReview = framed(
  "security-review",
  (deps, job, p) => ({
    installationId: p.installationId,
    owner: p.owner,
    repo: p.repo,
    repoId: p.repoId ?? null,
    number: p.prNumber,
    title: "reviewing the pull request",
    scope: TOKEN_SCOPES.review,
    budget: { max: REVIEW_CALL_BUDGET, used: 0 },
    skip: () => skipWhileQuotaLow(deps, job, p),
    openStatus: openReviewSummary(p),
    precheck: (gh) => readReviewedPullRequest(job, gh, p),
    onConfigError: "skip",
    onSpendCap: "input",
    modelPurpose: "review",
  }),
  runSecurityReview,
);

const RUNNERS: { [K in JobKind]: Runner } = {
  "resolve-issue": framed(
    "resolve-issue",
    (_deps, _job, p) => ({
      ...codingFrame(p),
      number: p.issueNumber,
      title: `resolving issue #${p.issueNumber}`,
      openStatus: openStatusComment(statusTargetOf(p), p.issueNumber),
    }),
    runResolveIssue,
  ),
  "fix-pr": framed(
    "fix-pr",
    (_deps, _job, p) => ({
      ...codingFrame(p),
      number: p.prNumber,
      title: p.reviewCommentId ? "fixing this review thread" : `fixing pull request #${p.prNumber}`,
      openStatus: openStatusComment(statusTargetOf(p)),
    }),
    runFixPr,
  ),
  "security-review": (deps, job) => (deps.runSecurityReview ? deps.runSecurityReview(job) : securityReview(deps, job)),
};

/** Run one job of any kind (the queue's handler; tests call it directly). */
export function runJob(deps: JobHandlerDeps, job: JobContext): Promise<JobOutcome> {
  return RUNNERS[job.kind](deps, job);
}

/** The worker's JobHandler: main.ts / the worker process builds the deps once (create-task-deps.ts). */
export function createJobHandler(deps: JobHandlerDeps): JobHandler {
  return (job) => runJob(deps, job);
}

/**
 * When the queue gives up on a job by itself (the worker died mid-run with no attempts left, or the
 * handler threw), the run's status comment still has to end: this hook finishes it as failed with
 * the queue's (safe) reason. Kinds without a status comment are skipped.
 */
export function createGiveUpHook(github: Pick<GitHubClientFactory, "forRepo">, onError?: (error: unknown) => void): GiveUpHook {
  return async (job, reason) => {
    const status = statusOfJob(job.kind, job.payload);
    if (!status || status.repoId === null) return;
    try {
      const { owner, repo } = status.target;
      const gh = await github.forRepo(status.installationId, TOKEN_SCOPES.giveUp(status.repoId), { owner, repo });
      await gh.setStatus(
        { target: status.target, commentId: status.commentId },
        { title: status.title, phase: "failed", message: redactSecrets(reason), hint: "Comment `/agent fix` to try again." },
        { key: job.key, job: job.id, kind: job.kind },
      );
    } catch (error) {
      onError?.(error);
    }
  };
}
