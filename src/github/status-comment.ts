/**
 * The status comment: created once (by the handler, at "queued"), then edited by the task.
 * Edits are throttled: intermediate "working" updates closer than `minIntervalMs` are coalesced
 * into the next one, so a long run stays well within GitHub's secondary rate limits; final
 * updates always go out. The comment carries a hidden marker with the job key and delivery id.
 *
 * A status can live in the issue/PR conversation or, for a review-thread trigger, as a reply in
 * that thread (then the result is "the reply in the thread").
 */
import type { GitHubClient } from "./octokit.js";
import { renderStatus, type StatusView } from "./format-status.js";
import { toGitHubError } from "./github-errors.js";
import { renderMarker, type MarkerData } from "./markers.js";

export type StatusTarget =
  | { type: "issue"; owner: string; repo: string; number: number }
  | { type: "review-thread"; owner: string; repo: string; pullNumber: number; inReplyTo: number };

export interface StatusCommentRef {
  target: StatusTarget;
  commentId: number;
}

export function renderStatusBody(view: StatusView, marker: MarkerData, allowCloseIssue?: number): string {
  return `${renderStatus(view, { allowCloseIssue })}\n\n${renderMarker("status", marker)}`;
}

export async function createStatusComment(octokit: GitHubClient, target: StatusTarget, view: StatusView, marker: MarkerData): Promise<StatusCommentRef> {
  return createStatusCommentWithBody(octokit, target, renderStatusBody(view, marker));
}

/** Post a status comment whose full body (text and marker) is already rendered. */
export async function createStatusCommentWithBody(octokit: GitHubClient, target: StatusTarget, body: string): Promise<StatusCommentRef> {
  try {
    if (target.type === "issue") {
      const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.number, body });
      return { target, commentId: data.id };
    }
    const { data } = await octokit.rest.pulls.createReplyForReviewComment({
      owner: target.owner,
      repo: target.repo,
      pull_number: target.pullNumber,
      comment_id: target.inReplyTo,
      body,
    });
    return { target, commentId: data.id };
  } catch (error) {
    throw toGitHubError(error, "post the status comment");
  }
}

export async function updateStatusComment(octokit: GitHubClient, ref: StatusCommentRef, text: string): Promise<void> {
  const { target } = ref;
  try {
    if (target.type === "issue") await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: ref.commentId, body: text });
    else await octokit.rest.pulls.updateReviewComment({ owner: target.owner, repo: target.repo, comment_id: ref.commentId, body: text });
  } catch (error) {
    throw toGitHubError(error, "update the status comment");
  }
}

export async function deleteStatusComment(octokit: GitHubClient, ref: StatusCommentRef): Promise<void> {
  const { target } = ref;
  if (target.type === "issue") await octokit.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: ref.commentId });
  else await octokit.rest.pulls.deleteReviewComment({ owner: target.owner, repo: target.repo, comment_id: ref.commentId });
}
