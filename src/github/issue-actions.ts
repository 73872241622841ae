/**
 * Small writes on issues and comments: reactions, labels, plain comments. Each is best effort where
 * the run can go on without it (a missing reaction must not stop a fix).
 */
import type { GitHubClient } from "./client.js";
import { toGitHubError } from "./github-errors.js";

export type ReactionTarget =
  | { type: "issue"; owner: string; repo: string; number: number }
  | { type: "issue-comment"; owner: string; repo: string; commentId: number }
  | { type: "review-comment"; owner: string; repo: string; commentId: number };

export async function addEyesReaction(octokit: GitHubClient, target: ReactionTarget): Promise<void> {
  const { owner, repo } = target;
  if (target.type === "issue") await octokit.rest.reactions.createForIssue({ owner, repo, issue_number: target.number, content: "eyes" });
  else if (target.type === "issue-comment") await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: target.commentId, content: "eyes" });
  else await octokit.rest.reactions.createForPullRequestReviewComment({ owner, repo, comment_id: target.commentId, content: "eyes" });
}

export async function removeLabel(octokit: GitHubClient, params: { owner: string; repo: string; number: number; label: string }): Promise<void> {
  try {
    await octokit.rest.issues.removeLabel({ owner: params.owner, repo: params.repo, issue_number: params.number, name: params.label });
  } catch (error) {
    // Already removed (404) is the state we wanted.
    if ((error as { status?: number }).status !== 404) throw toGitHubError(error, "remove the trigger label");
  }
}

export async function postComment(octokit: GitHubClient, params: { owner: string; repo: string; number: number; body: string }): Promise<number> {
  try {
    const { data } = await octokit.rest.issues.createComment({ owner: params.owner, repo: params.repo, issue_number: params.number, body: params.body });
    return data.id;
  } catch (error) {
    throw toGitHubError(error, "post a comment");
  }
}
