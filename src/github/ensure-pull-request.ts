/**
 * Idempotent PR upsert (Renovate's ensurePr): find the open PR for the head branch; update title
 * and body when they changed, else create it. Labels, assignee and reviewer are best effort: a
 * repository without those labels or a requester who cannot review must not fail the run.
 */
import type { GitHubClient } from "./octokit.js";
import { toGitHubError } from "./github-errors.js";

export interface EnsurePullRequestParams {
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels?: string[];
  assignees?: string[];
  reviewers?: string[];
}

export interface EnsuredPullRequest {
  number: number;
  url: string;
  created: boolean;
}

export async function findPullRequestForBranch(
  octokit: GitHubClient,
  params: { owner: string; repo: string; head: string },
): Promise<{ number: number; url: string; title: string; body: string | null } | null> {
  try {
    const { data } = await octokit.rest.pulls.list({
      owner: params.owner,
      repo: params.repo,
      state: "open",
      head: `${params.owner}:${params.head}`,
      per_page: 5,
    });
    const pr = data.find((p) => p.head.ref === params.head);
    return pr ? { number: pr.number, url: pr.html_url, title: pr.title, body: pr.body } : null;
  } catch (error) {
    throw toGitHubError(error, "look up the pull request");
  }
}

/**
 * The open PR whose head branch starts with `headPrefix` (e.g. `agent/issue-12-`), so a re-run
 * finds its PR even when the issue title, and with it the branch slug, changed.
 */
export async function findPullRequestByHeadPrefix(
  octokit: GitHubClient,
  params: { owner: string; repo: string; headPrefix: string },
): Promise<{ number: number; url: string; headRef: string; body: string | null } | null> {
  try {
    const prs = await octokit.paginate(octokit.rest.pulls.list, { owner: params.owner, repo: params.repo, state: "open", per_page: 100 });
    const pr = prs.find(
      (p) => p.head.ref.startsWith(params.headPrefix) && p.head.repo?.full_name?.toLowerCase() === `${params.owner}/${params.repo}`.toLowerCase(),
    );
    return pr ? { number: pr.number, url: pr.html_url, headRef: pr.head.ref, body: pr.body } : null;
  } catch (error) {
    throw toGitHubError(error, "look up the pull request");
  }
}

export async function ensurePullRequest(
  octokit: GitHubClient,
  params: EnsurePullRequestParams,
  onWarning?: (what: string, error: unknown) => void,
): Promise<EnsuredPullRequest> {
  const { owner, repo } = params;
  const existing = await findPullRequestForBranch(octokit, params);
  if (existing) {
    if (existing.title !== params.title || existing.body !== params.body) {
      try {
        await octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title: params.title, body: params.body });
      } catch (error) {
        throw toGitHubError(error, "update the pull request");
      }
    }
    return { number: existing.number, url: existing.url, created: false };
  }
  let created: { number: number; html_url: string };
  try {
    ({ data: created } = await octokit.rest.pulls.create({
      owner,
      repo,
      head: params.head,
      base: params.base,
      title: params.title,
      body: params.body,
      draft: params.draft,
    }));
  } catch (error) {
    throw toGitHubError(error, "open the pull request");
  }
  const number = created.number;
  const extras: [string, () => Promise<unknown>][] = [];
  if (params.labels?.length)
    extras.push(["add labels", () => octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: params.labels ?? [] })]);
  if (params.assignees?.length)
    extras.push(["add assignees", () => octokit.rest.issues.addAssignees({ owner, repo, issue_number: number, assignees: params.assignees ?? [] })]);
  if (params.reviewers?.length)
    extras.push(["request reviewers", () => octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers: params.reviewers ?? [] })]);
  for (const [what, call] of extras) {
    try {
      await call();
    } catch (error) {
      onWarning?.(what, error);
    }
  }
  return { number, url: created.html_url, created: true };
}
