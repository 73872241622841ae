/**
 * The job registry's run side: for each kind, the function that runs it. Together with
 * job-payloads.ts (schema, key, status target of each kind) it is the one place a job kind is
 * declared; the queue's job handler and give-up hook are generic over both.
 */
import type { GitHubClientFactory } from "../github/client.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { renderStatusBody, updateStatusComment } from "../github/status-comment.js";
import type { GiveUpHook, JobContext, JobHandler, JobKind, JobOutcome } from "../jobs/types.js";
import { redactSecrets } from "../shared/redact.js";
import { runFixPr } from "./fix-pr.js";
import { statusOfJob } from "./job-payloads.js";
import { runResolveIssue } from "./resolve-issue.js";
import { runSecurityReview } from "./security-review.js";
import type { TaskDeps } from "./task-deps.js";

export interface JobHandlerDeps extends TaskDeps {
  /** Override the security-review task (tests); defaults to src/tasks/security-review.ts. */
  runSecurityReview?: (job: JobContext) => Promise<JobOutcome>;
}

const RUNNERS: { [K in JobKind]: (deps: JobHandlerDeps, job: JobContext) => Promise<JobOutcome> } = {
  "resolve-issue": runResolveIssue,
  "fix-pr": runFixPr,
  "security-review": (deps, job) => (deps.runSecurityReview ? deps.runSecurityReview(job) : runSecurityReview(deps, job)),
};

/** The worker's JobHandler: main.ts / the worker process builds the deps once (create-task-deps.ts). */
export function createJobHandler(deps: JobHandlerDeps): JobHandler {
  return (job) => RUNNERS[job.kind](deps, job);
}

/**
 * When the queue gives up on a job by itself (the worker died mid-run with no attempts left, or the
 * handler threw), the run's status comment still has to end: this hook finishes it as failed with
 * the queue's (safe) reason. Kinds without a status comment are skipped.
 */
export function createGiveUpHook(github: GitHubClientFactory, onError?: (error: unknown) => void): GiveUpHook {
  return async (job, reason) => {
    const status = statusOfJob(job.kind, job.payload);
    if (!status || status.repoId === null) return;
    try {
      const octokit = await github.forInstallation(status.installationId, TOKEN_SCOPES.giveUp(status.repoId));
      const body = renderStatusBody(
        { title: status.title, phase: "failed", message: redactSecrets(reason), hint: "Comment `/agent fix` to try again." },
        { key: job.key, job: job.id, kind: job.kind },
      );
      await updateStatusComment(octokit, { target: status.target, commentId: status.commentId }, body);
    } catch (error) {
      onError?.(error);
    }
  };
}
