/**
 * When the queue gives up on a job by itself (the worker died mid-run with no attempts left, or the
 * handler threw), the run's status comment still has to end: this hook finishes it as failed with
 * the queue's (safe) reason. Security-review jobs have no status comment and are skipped.
 */
import type { GitHubClientFactory } from "../github/client.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { renderStatusBody, updateStatusComment, type StatusTarget } from "../github/status-comment.js";
import type { GiveUpHook } from "../jobs/types.js";
import { redactSecrets } from "../shared/redact.js";
import { fixPrPayloadSchema, resolveIssuePayloadSchema } from "./job-payloads.js";

export function createGiveUpHook(github: GitHubClientFactory, onError?: (error: unknown) => void): GiveUpHook {
  return async (job, reason) => {
    const parsed = job.kind === "resolve-issue" ? resolveIssuePayloadSchema.safeParse(job.payload) : job.kind === "fix-pr" ? fixPrPayloadSchema.safeParse(job.payload) : null;
    if (!parsed?.success) return;
    const p = parsed.data;
    const target: StatusTarget =
      p.status.type === "issue"
        ? { type: "issue", owner: p.owner, repo: p.repo, number: p.status.number }
        : { type: "review-thread", owner: p.owner, repo: p.repo, pullNumber: p.status.pullNumber, inReplyTo: p.status.inReplyTo };
    try {
      const octokit = await github.forInstallation(p.installationId, TOKEN_SCOPES.giveUp(p.repoId));
      const body = renderStatusBody(
        { title: job.kind === "resolve-issue" ? "resolving the issue" : "fixing the pull request", phase: "failed", message: redactSecrets(reason), hint: "Comment `/agent fix` to try again." },
        { key: job.key, job: job.id, kind: job.kind },
      );
      await updateStatusComment(octokit, { target, commentId: p.status.commentId }, body);
    } catch (error) {
      onError?.(error);
    }
  };
}
