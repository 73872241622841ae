/**
 * Posting the review: one PR review per run with the new inline findings, and the summary comment
 * upserted by its marker. The review is pinned to the reviewed commit (`commit_id`), so comments
 * land on the lines that were actually read even if the branch moved a moment ago.
 */
import type { GitHubClient } from "./octokit.js";
import { statusOf, toGitHubError } from "./github-errors.js";
import type { PrRef } from "./review-pull-request-data.js";

export interface InlineComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

export interface PostReviewParams extends PrRef {
  commitId: string;
  event: "COMMENT" | "REQUEST_CHANGES";
  body: string;
  comments: InlineComment[];
}

export interface PostedReview {
  id: number;
  /** Comments GitHub refused as a batch (422); they are listed in the summary instead. */
  rejected: InlineComment[];
}

export async function postSecurityReview(octokit: GitHubClient, params: PostReviewParams): Promise<PostedReview> {
  const { owner, repo, number, commitId, event, body, comments } = params;
  try {
    const { data } = await octokit.rest.pulls.createReview({ owner, repo, pull_number: number, commit_id: commitId, event, body, comments });
    return { id: data.id, rejected: [] };
  } catch (error) {
    // 422: a line GitHub does not consider part of the diff. Keep the review, drop the inline part.
    if (statusOf(error) !== 422 || comments.length === 0) throw toGitHubError(error, `post the security review on #${number}`);
    try {
      const note = `${body}\n\n_GitHub refused the inline comments for this review; every finding is listed in the summary comment._`;
      const { data } = await octokit.rest.pulls.createReview({ owner, repo, pull_number: number, commit_id: commitId, event, body: note });
      return { id: data.id, rejected: comments };
    } catch (retryError) {
      throw toGitHubError(retryError, `post the security review on #${number}`);
    }
  }
}

/** Create or edit the summary comment (found earlier by its marker). Returns its id. */
export async function ensureSecuritySummary(octokit: GitHubClient, params: PrRef & { body: string; existingId: number | null }): Promise<number> {
  try {
    if (params.existingId !== null) {
      await octokit.rest.issues.updateComment({ owner: params.owner, repo: params.repo, comment_id: params.existingId, body: params.body });
      return params.existingId;
    }
    const { data } = await octokit.rest.issues.createComment({ owner: params.owner, repo: params.repo, issue_number: params.number, body: params.body });
    return data.id;
  } catch (error) {
    throw toGitHubError(error, `write the security summary on #${params.number}`);
  }
}
