/**
 * Small writes on issues and comments: reactions, labels, plain comments. Each is best effort where
 * the run can go on without it (a missing reaction must not stop a fix).
 */
import type { GitHubClient } from "./octokit.js";
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

/** A reply in an inline review comment's thread. */
export async function replyInReviewThread(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number; inReplyTo: number; body: string },
): Promise<void> {
  await octokit.rest.pulls.createReplyForReviewComment({
    owner: params.owner,
    repo: params.repo,
    pull_number: params.number,
    comment_id: params.inReplyTo,
    body: params.body,
  });
}

/** Every comment of an issue or PR conversation (all pages). */
export async function listIssueComments(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number },
): Promise<{ body?: string | null; user?: { login: string; type?: string } | null }[]> {
  return octokit.paginate(octokit.rest.issues.listComments, { owner: params.owner, repo: params.repo, issue_number: params.number, per_page: 100 });
}

/** The PR's state, author, head branch and head commit. */
export async function getPullRequestHead(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number },
): Promise<{ state: string; author: { login: string; type?: string } | null; headRef: string; headSha: string }> {
  const { data } = await octokit.rest.pulls.get({ owner: params.owner, repo: params.repo, pull_number: params.number });
  return { state: data.state, author: data.user ? { login: data.user.login, type: data.user.type } : null, headRef: data.head.ref, headSha: data.head.sha };
}

/** Replace a PR's description (the app's own PRs: its hidden marker travels in the body). */
export async function updatePullRequestBody(octokit: GitHubClient, params: { owner: string; repo: string; number: number; body: string }): Promise<void> {
  await octokit.rest.pulls.update({ owner: params.owner, repo: params.repo, pull_number: params.number, body: params.body });
}
