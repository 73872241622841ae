/**
 * What the agent is told about a pull request: its description, the diff, and either every
 * unresolved review thread or the one thread a review comment came from. Thread comments from users
 * below the trigger permission are left out, as on issues. Every text is reduced here to what a
 * person sees on GitHub (shared/sanitize.ts).
 */
import { toModelLine, toModelText, type ModelText } from "../shared/sanitize.js";
import { isSelf } from "./authorize-sender.js";
import type { GitHubClient } from "./octokit.js";
import { filterComments, type CommentFilter, type ContextComment } from "./get-issue-context.js";
import { toGitHubError } from "./github-errors.js";

export interface PullRequestInfo {
  number: number;
  /** One line, visible characters only. */
  title: string;
  /** Raw body: markers are read from it; the visible text goes to the model. */
  rawBody: string;
  body: ModelText;
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
  /** The base repository's default branch. */
  defaultBranch: string;
  /** The head is the repository's own default branch (a PR from `main` into a release branch). */
  headIsDefaultBranch: boolean;
  htmlUrl: string;
}

export interface ReviewThread {
  /** The file the thread is on, one line, visible characters only. */
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
      title: toModelLine(pr.title),
      rawBody: pr.body ?? "",
      body: toModelText(pr.body ?? ""),
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
      defaultBranch: pr.base.repo?.default_branch ?? "",
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

const COMMENT_FIELDS = "pageInfo { hasNextPage endCursor } nodes { body createdAt lastEditedAt author { login __typename } }";

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 50, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved isOutdated path line
          comments(first: 50) { ${COMMENT_FIELDS} } }
      }
    }
  }
}`;

const THREAD_COMMENTS_QUERY = `query($id: ID!, $after: String) {
  node(id: $id) { ... on PullRequestReviewThread { comments(first: 100, after: $after) { ${COMMENT_FIELDS} } } }
}`;

/** Every list and object in GitHub's GraphQL schema may be null; none of it is trusted to be there. */
interface PageInfo {
  hasNextPage?: boolean | null;
  endCursor?: string | null;
}
interface GqlComment {
  body?: string | null;
  createdAt?: string | null;
  lastEditedAt?: string | null;
  author?: { login?: string | null; __typename?: string | null } | null;
}
interface GqlComments {
  pageInfo?: PageInfo | null;
  nodes?: (GqlComment | null)[] | null;
}
interface GqlThread {
  id?: string | null;
  isResolved?: boolean | null;
  isOutdated?: boolean | null;
  path?: string | null;
  line?: number | null;
  comments?: GqlComments | null;
}
interface ThreadsResponse {
  repository?: { pullRequest?: { reviewThreads?: { pageInfo?: PageInfo | null; nodes?: (GqlThread | null)[] | null } | null } | null } | null;
}
interface ThreadCommentsResponse {
  node?: { comments?: GqlComments | null } | null;
}

/** Reading stops here: 500 threads, 350 comments per thread, 40 GraphQL calls per run. */
const MAX_THREAD_PAGES = 10;
const MAX_COMMENT_PAGES = 3;
const MAX_GRAPHQL_CALLS = 40;

function nextCursor(pageInfo: PageInfo | null | undefined): string | null {
  return pageInfo?.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : null;
}

function toRestShape(c: GqlComment) {
  const createdAt = c.createdAt ?? "";
  return {
    user: c.author?.login ? { login: c.author.login, type: c.author.__typename === "Bot" ? "Bot" : "User" } : null,
    body: c.body ?? "",
    created_at: createdAt,
    updated_at: c.lastEditedAt ?? createdAt,
  };
}

/**
 * Every unresolved review thread with the comments the agent may see, over GraphQL: threads and
 * their comments are paginated (within the bounds above), and null lists or entries are skipped.
 * A comment without a creation time is left out (the edit filter cannot place it before the trigger).
 */
export async function getUnresolvedThreads(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number } & CommentFilter,
): Promise<ReviewThread[]> {
  let calls = 0;
  const query = async <T>(text: string, variables: Record<string, unknown>): Promise<T> => {
    calls += 1;
    try {
      return await octokit.graphql<T>(text, variables);
    } catch (error) {
      throw toGitHubError(error, "read review threads");
    }
  };
  const raw: GqlThread[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES; page++) {
    const data: ThreadsResponse = await query<ThreadsResponse>(THREADS_QUERY, { owner: params.owner, repo: params.repo, number: params.number, after });
    const connection = data?.repository?.pullRequest?.reviewThreads;
    for (const t of connection?.nodes ?? []) if (t && !t.isResolved) raw.push(t);
    after = nextCursor(connection?.pageInfo);
    if (!after) break;
  }
  const threads: ReviewThread[] = [];
  for (const t of raw) {
    const comments = [...(t.comments?.nodes ?? [])];
    let cursor = nextCursor(t.comments?.pageInfo);
    for (let page = 0; cursor && t.id && page < MAX_COMMENT_PAGES && calls < MAX_GRAPHQL_CALLS; page++) {
      const more: ThreadCommentsResponse = await query<ThreadCommentsResponse>(THREAD_COMMENTS_QUERY, { id: t.id, after: cursor });
      comments.push(...(more?.node?.comments?.nodes ?? []));
      cursor = nextCursor(more?.node?.comments?.pageInfo);
    }
    const usable = comments.filter((c): c is GqlComment => Boolean(c?.createdAt));
    const { kept } = await filterComments(usable.map(toRestShape), params);
    if (kept.length > 0 && t.path) threads.push({ path: toModelLine(t.path, 1_000), line: t.line ?? null, comments: kept });
  }
  return threads;
}

/** The thread a review comment belongs to (its root and every reply). */
export async function getReviewThread(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number; commentId: number } & CommentFilter,
): Promise<ReviewThread & { rootId: number }> {
  try {
    const all = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
      owner: params.owner,
      repo: params.repo,
      pull_number: params.number,
      per_page: 100,
    });
    const trigger = all.find((c) => c.id === params.commentId);
    const rootId = trigger?.in_reply_to_id ?? params.commentId;
    const root = all.find((c) => c.id === rootId) ?? trigger;
    const inThread = all.filter((c) => c.id === rootId || c.in_reply_to_id === rootId);
    const { kept } = await filterComments(inThread, params);
    const appRoot = root?.user && isSelf(root.user, params.appSlug) ? root.body : undefined;
    return {
      rootId,
      path: toModelLine(root?.path ?? "", 1_000),
      line: root?.line ?? root?.original_line ?? null,
      comments: kept,
      ...(appRoot ? { appRootBody: appRoot } : {}),
    };
  } catch (error) {
    throw toGitHubError(error, "read the review thread");
  }
}

/** A repository's numeric id (for jobs queued before payloads carried it). */
export async function getRepositoryId(octokit: GitHubClient, params: { owner: string; repo: string }): Promise<number> {
  try {
    return (await octokit.rest.repos.get({ owner: params.owner, repo: params.repo })).data.id;
  } catch (error) {
    throw toGitHubError(error, `read repository ${params.owner}/${params.repo}`);
  }
}
