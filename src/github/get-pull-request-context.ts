/**
 * What the agent is told about a pull request: its description, the diff, and either every
 * unresolved review thread or the one thread a review comment came from. Thread comments from users
 * below the trigger permission are left out, as on issues. Everything is sanitized here.
 */
import { sanitizeUntrusted } from "../shared/sanitize.js";
import { isSelf } from "./authorize-sender.js";
import type { GitHubClient } from "./client.js";
import { filterComments, type CommentFilter, type ContextComment } from "./get-issue-context.js";
import { toGitHubError } from "./github-errors.js";

export interface PullRequestInfo {
  number: number;
  title: string;
  /** Raw body: markers are read from it; the sanitized text goes to the model. */
  rawBody: string;
  body: string;
  author: string;
  state: string;
  headRef: string;
  headSha: string;
  headRepoFullName: string | null;
  headCloneUrl: string | null;
  /** Whether the head repository is private (null when GitHub did not say, e.g. it was deleted). */
  headRepoPrivate: boolean | null;
  baseRepoId: number | null;
  baseCloneUrl: string | null;
  /** GitHub's count of changed files (known before listing them). */
  changedFiles: number | null;
  baseRef: string;
  baseSha: string;
  isFork: boolean;
  maintainerCanModify: boolean;
  /** The head is the repository's own default branch (a PR from `main` into a release branch). */
  headIsDefaultBranch: boolean;
  htmlUrl: string;
}

export interface ReviewThread {
  path: string;
  line: number | null;
  comments: ContextComment[];
  /** The raw body of the thread's first comment when the app wrote it (a security finding). */
  appRootBody?: string;
}

export async function getPullRequest(octokit: GitHubClient, params: { owner: string; repo: string; number: number }): Promise<PullRequestInfo> {
  try {
    const { data: pr } = await octokit.rest.pulls.get({ owner: params.owner, repo: params.repo, pull_number: params.number });
    const base = `${params.owner}/${params.repo}`.toLowerCase();
    return {
      number: pr.number,
      title: sanitizeUntrusted(pr.title),
      rawBody: pr.body ?? "",
      body: sanitizeUntrusted(pr.body ?? ""),
      author: pr.user?.login ?? "ghost",
      state: pr.state,
      headRef: pr.head.ref,
      headSha: pr.head.sha,
      headRepoFullName: pr.head.repo?.full_name ?? null,
      headCloneUrl: pr.head.repo?.clone_url ?? null,
      headRepoPrivate: typeof pr.head.repo?.private === "boolean" ? pr.head.repo.private : null,
      baseRepoId: typeof pr.base.repo?.id === "number" ? pr.base.repo.id : null,
      baseCloneUrl: pr.base.repo?.clone_url ?? null,
      changedFiles: typeof pr.changed_files === "number" ? pr.changed_files : null,
      baseRef: pr.base.ref,
      baseSha: pr.base.sha,
      isFork: (pr.head.repo?.full_name ?? "").toLowerCase() !== base,
      maintainerCanModify: pr.maintainer_can_modify,
      headIsDefaultBranch: (pr.head.repo?.full_name ?? "").toLowerCase() === base && pr.head.ref === pr.base.repo?.default_branch,
      htmlUrl: pr.html_url,
    };
  } catch (error) {
    throw toGitHubError(error, `read pull request #${params.number}`);
  }
}

const MAX_DIFF_CHARS = 60_000;

export async function getPullRequestDiff(octokit: GitHubClient, params: { owner: string; repo: string; number: number }): Promise<string> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: params.owner, repo: params.repo, pull_number: params.number, mediaType: { format: "diff" } });
    const diff = String(data as unknown);
    return diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n…(diff truncated)` : diff;
  } catch (error) {
    throw toGitHubError(error, "read the pull request diff");
  }
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 50) {
        nodes { isResolved isOutdated path line
          comments(first: 30) { nodes { body createdAt lastEditedAt author { login __typename } } } }
      }
    }
  }
}`;

interface ThreadsResponse {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: {
          isResolved: boolean;
          isOutdated: boolean;
          path: string;
          line: number | null;
          comments: { nodes: { body: string; createdAt: string; lastEditedAt: string | null; author: { login: string; __typename: string } | null }[] };
        }[];
      };
    } | null;
  } | null;
}

export async function getUnresolvedThreads(octokit: GitHubClient, params: { owner: string; repo: string; number: number } & CommentFilter): Promise<ReviewThread[]> {
  let data: ThreadsResponse;
  try {
    data = await octokit.graphql<ThreadsResponse>(THREADS_QUERY, { owner: params.owner, repo: params.repo, number: params.number });
  } catch (error) {
    throw toGitHubError(error, "read review threads");
  }
  const threads: ReviewThread[] = [];
  for (const t of data.repository?.pullRequest?.reviewThreads.nodes ?? []) {
    if (t.isResolved) continue;
    const raw = t.comments.nodes.map((c) => ({
      user: c.author ? { login: c.author.login, type: c.author.__typename === "Bot" ? "Bot" : "User" } : null,
      body: c.body,
      created_at: c.createdAt,
      updated_at: c.lastEditedAt ?? c.createdAt,
    }));
    const { kept } = await filterComments(raw, params);
    if (kept.length > 0) threads.push({ path: t.path, line: t.line, comments: kept });
  }
  return threads;
}

/** The thread a review comment belongs to (its root and every reply). */
export async function getReviewThread(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number; commentId: number } & CommentFilter,
): Promise<ReviewThread & { rootId: number }> {
  try {
    const all = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner: params.owner, repo: params.repo, pull_number: params.number, per_page: 100 });
    const trigger = all.find((c) => c.id === params.commentId);
    const rootId = trigger?.in_reply_to_id ?? params.commentId;
    const root = all.find((c) => c.id === rootId) ?? trigger;
    const inThread = all.filter((c) => c.id === rootId || c.in_reply_to_id === rootId);
    const { kept } = await filterComments(inThread, params);
    const appRoot = root?.user && isSelf(root.user, params.appSlug) ? root.body : undefined;
    return { rootId, path: root?.path ?? "", line: root?.line ?? root?.original_line ?? null, comments: kept, ...(appRoot ? { appRootBody: appRoot } : {}) };
  } catch (error) {
    throw toGitHubError(error, "read the review thread");
  }
}
