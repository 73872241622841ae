/**
 * The repository-bound GitHub port: everything the handlers, jobs and tasks do on GitHub for ONE
 * repository, created per handler invocation or job with `createRepoGitHub(octokit, { owner, repo })`
 * (or `GitHubClientFactory.forRepo`, which also mints the least-privilege client). Methods take only
 * what varies (a number, a body…); owner and repository are bound once, so a call cannot reach
 * another repository by passing the wrong pair.
 *
 * The port knows the app's own login (`<slug>[bot]`, resolved once at start-up from `GET /app`,
 * APP_SLUG overriding), so callers stop threading the slug: `isSelf` and the `ensure*` operations
 * decide "is this the app's comment?" here. A marker only counts on the app's own comment: anyone
 * can paste a marker into theirs (docs/threat-model.md B11, F4). While the login is unknown, a
 * marker on any Bot's comment is trusted (as before), never one on a person's.
 *
 * The `ensure*` operations are idempotent, keyed by the hidden marker (shared/markers.ts) or by a
 * natural key (head branch, label name): calling one twice updates, never duplicates.
 *
 * Most methods delegate to the single-purpose modules beside this file, unchanged; the port is the
 * one surface the rest of the app calls.
 */
import { loadRepoConfig, type LoadedRepoConfig } from "../config/load-repo-config.js";
import type { PermissionLevel } from "../config/env.js";
import type { ConfigError } from "../shared/errors.js";
import { authorizeSender, type Authorization, type Sender } from "./authorize-sender.js";
import { createSecurityCheckRun, SECURITY_CHECK_NAME, type SecurityCheckParams } from "./check-run-security.js";
import { findOwnCheckRun } from "./find-check-run.js";
import type { GitHubClient } from "./octokit.js";
import { createApiCommit, type ApiCommitParams, type ApiCommitResult } from "./create-api-commit.js";
import { ensureLabel } from "./ensure-label.js";
import {
  ensurePullRequest,
  findPullRequestByHeadPrefix,
  findPullRequestForBranch,
  type EnsuredPullRequest,
  type EnsurePullRequestParams,
} from "./ensure-pull-request.js";
import type { StatusView } from "./format-status.js";
import { getActionsJobLogTail } from "./get-actions-job-log.js";
import { getIssueContext, type CommentFilter, type IssueContext } from "./get-issue-context.js";
import { createPermissionCache, type RepoPermission } from "./get-permission.js";
import {
  getPullRequest,
  getPullRequestDiff,
  getRepositoryId,
  getReviewThread,
  getUnresolvedThreads,
  type PullRequestInfo,
  type ReviewThread,
} from "./get-pull-request-context.js";
import { toGitHubError } from "./github-errors.js";
import {
  addEyesReaction,
  getPullRequestHead,
  listIssueComments,
  postComment,
  removeLabel,
  replyInReviewThread,
  updatePullRequestBody,
} from "./issue-actions.js";
import { findMarker, renderMarker, type MarkerData } from "./markers.js";
import { findFirstRepoFile } from "./repo-files.js";
import { reportConfigError, type ReportConfigErrorResult } from "./report-config-error.js";
import { ensureSecuritySummary, postSecurityReview, type PostedReview, type PostReviewParams } from "./review-post.js";
import { findSecuritySummary, listPostedFindings, listPullRequestDiffFiles, type SummaryComment } from "./review-pull-request-data.js";
import { uploadReviewSarif } from "./review-sarif-upload.js";
import { createRunCheck, RUN_CHECK_NAME, type RunCheckParams } from "./run-check-run.js";
import {
  createStatusComment,
  createStatusCommentWithBody,
  deleteStatusComment,
  renderStatusBody,
  updateStatusComment,
  type StatusCommentRef,
  type StatusTarget,
} from "./status-comment.js";
import type { DiffFile } from "../review/parse-diff.js";

// What callers of the port need to name, so they import github/ only through this module.
export type { Authorization, Sender };
export type {
  IssueContext,
  PullRequestInfo,
  ReviewThread,
  RepoPermission,
  StatusCommentRef,
  StatusTarget,
  StatusView,
  SummaryComment,
  EnsuredPullRequest,
  DiffFile,
};
export type { InlineComment } from "./review-post.js";
export type { CheckAnnotation } from "./check-run-security.js";
export { meetsPermission } from "./get-permission.js";
// Which files `findFirstFile` looks for: the agent's instructions, the PR template.
export { INSTRUCTION_FILES, PR_TEMPLATE_FILES } from "./repo-files.js";
// The per-process trigger-label ensurer works on ports; the tasks' wiring builds it from here.
export { createLabelEnsurer } from "./ensure-label.js";

export interface RepoScope {
  owner: string;
  repo: string;
}

/** What a reaction goes on, within the bound repository. */
export type RepoReactionTarget =
  { type: "issue"; number: number } | { type: "issue-comment"; commentId: number } | { type: "review-comment"; commentId: number };

/** Where a status comment lives, within the bound repository (the conversation, or a reply in a review thread). */
export type RepoStatusTarget = { type: "issue"; number: number } | { type: "review-thread"; pullNumber: number; inReplyTo: number };

/** A status comment of the bound repository (a `StatusCommentRef` fits: its owner/repo are not used). */
export interface RepoStatusRef {
  target: RepoStatusTarget;
  commentId: number;
}

export interface RepoGitHubOptions {
  /** The app's own login, `<slug>[bot]` (undefined while GitHub has not told us yet). */
  botLogin?: string | undefined;
}

/** A user as the REST and GraphQL answers describe one. */
export type GitHubUser = { login?: string | null; type?: string | null } | null | undefined;

/** The comment filter of the context reads, minus what the port knows itself (the app's login, permissions). */
export type ContextFilter = Omit<CommentFilter, "appSlug" | "permissionOf">;

export interface EnsuredComment {
  commentId: number;
  action: "created" | "updated" | "unchanged";
}

export interface RepoGitHub {
  readonly owner: string;
  readonly repo: string;
  /** `<slug>[bot]`, or undefined while unknown. */
  readonly botLogin: string | undefined;

  // ── who ──
  /** The user is the app itself (false while the app's login is unknown). */
  isSelf(user: GitHubUser): boolean;
  /** A check run's or an event's app is this app. */
  isOwnApp(app: { slug?: string | null } | null | undefined): boolean;
  /** The user's effective permission here, cached for the life of the port. */
  permissionOf(username: string): Promise<RepoPermission>;
  /** May `sender` start work here (authorize-sender.ts: self and bots silent, others by permission)? */
  authorizeSender(sender: Sender, policy: { minPermission: PermissionLevel; allowedBots: readonly string[] }): Promise<Authorization>;

  // ── reads ──
  /** `.github/agent.yml` from the default branch (needs a client that may read the config's sources: CONFIG_SCOPE). */
  loadConfig(): Promise<LoadedRepoConfig>;
  getRepositoryId(): Promise<number>;
  getIssueContext(number: number, filter: ContextFilter & { snapshot?: { title: string; body: string } | undefined }): Promise<IssueContext>;
  getPullRequest(number: number): Promise<PullRequestInfo>;
  getPullRequestHead(number: number): Promise<{ state: string; author: { login: string; type?: string } | null; headRef: string; headSha: string }>;
  getPullRequestDiff(number: number): Promise<string>;
  getUnresolvedThreads(number: number, filter: ContextFilter): Promise<ReviewThread[]>;
  getReviewThread(number: number, commentId: number, filter: ContextFilter): Promise<ReviewThread & { rootId: number }>;
  listIssueComments(number: number): Promise<{ body?: string | null; user?: { login: string; type?: string } | null }[]>;
  listPullRequestDiffFiles(number: number, maxFiles?: number): Promise<DiffFile[]>;
  /** Fingerprints of the findings the app already commented on inline (the app's comments only). */
  listPostedFindings(number: number): Promise<Set<string>>;
  /** The app's security-summary comment on the PR, if any. */
  findSecuritySummary(number: number): Promise<SummaryComment | null>;
  /** The first of `paths` that exists at `ref` (default branch when absent), read through the API. */
  findFirstFile(paths: readonly string[], ref?: string): Promise<{ path: string; text: string } | null>;
  findPullRequestForBranch(head: string): Promise<{ number: number; url: string; title: string; body: string | null } | null>;
  findPullRequestByHeadPrefix(headPrefix: string): Promise<{ number: number; url: string; headRef: string; body: string | null } | null>;
  /** The tail of a GitHub Actions job's log, or null without `actions: read` or when it expired. */
  getActionsJobLogTail(jobId: number, maxChars?: number): Promise<string | null>;

  // ── small writes ──
  addEyesReaction(target: RepoReactionTarget): Promise<void>;
  /** A plain comment; returns its id. */
  postComment(number: number, body: string): Promise<number>;
  replyInReviewThread(pullNumber: number, inReplyTo: number, body: string): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  updatePullRequestBody(number: number, body: string): Promise<void>;

  // ── status comment ──
  createStatusComment(target: RepoStatusTarget, view: StatusView, marker: MarkerData): Promise<StatusCommentRef>;
  /** Replace the whole body (text and marker) of a status comment of this repository. */
  updateStatusComment(ref: RepoStatusRef, body: string): Promise<void>;
  /** Render `view` (untrusted text made safe) with the status marker and put it on the status comment. */
  setStatus(ref: RepoStatusRef, view: StatusView, marker: MarkerData): Promise<void>;
  deleteStatusComment(ref: RepoStatusRef): Promise<void>;
  /**
   * The app's status comment on `target` whose marker has the same `kind`, `key` and `delivery` as
   * `marker`: updated to `body` (the marker appended), else created. Safe to call twice.
   */
  ensureStatusComment(target: RepoStatusTarget, marker: MarkerData, body: string): Promise<StatusCommentRef & { action: EnsuredComment["action"] }>;

  // ── idempotent writes ──
  /** The one config-error comment on an issue or PR (created, updated, or left as it is). */
  reportConfigError(number: number, error: ConfigError): Promise<ReportConfigErrorResult>;
  /** The trigger label: created, or already there. */
  ensureLabel(name: string): Promise<"created" | "exists">;
  /** The open PR for `head` updated (title, body) or opened; extras (labels, reviewers) best effort. */
  ensurePullRequest(params: Omit<EnsurePullRequestParams, "owner" | "repo">, onWarning?: (what: string, error: unknown) => void): Promise<EnsuredPullRequest>;
  /**
   * The app's security-summary comment on the PR updated to `body`, else created. Pass `existing`
   * when it was just looked up (`findSecuritySummary`) to save the second listing.
   */
  ensureSecuritySummary(number: number, body: string, existing?: SummaryComment | null): Promise<number>;

  // ── reviews, checks, commits ──
  postSecurityReview(params: Omit<PostReviewParams, "owner" | "repo">): Promise<PostedReview>;
  createSecurityCheckRun(params: Omit<SecurityCheckParams, "owner" | "repo">): Promise<number>;
  /** The app's `issue-agent/security` check run on the commit edited, else created. */
  ensureSecurityCheckRun(params: Omit<SecurityCheckParams, "owner" | "repo" | "existingId">): Promise<number>;
  createRunCheck(params: Omit<RunCheckParams, "owner" | "repo">): Promise<{ id: number; url: string }>;
  /** The app's `issue-agent: run` check run on the commit edited, else created. */
  ensureRunCheck(params: Omit<RunCheckParams, "owner" | "repo" | "existingId">): Promise<{ id: number; url: string }>;
  uploadSarif(params: { commitSha: string; ref: string; sarif: string }): Promise<string | undefined>;
  createApiCommit(params: Omit<ApiCommitParams, "owner" | "repo">): Promise<ApiCommitResult>;
}

/** `<slug>[bot]` for a slug (undefined stays undefined). */
export function botLoginOf(slug: string | undefined): string | undefined {
  return slug ? `${slug}[bot]` : undefined;
}

function slugOf(botLogin: string | undefined): string | undefined {
  return botLogin?.replace(/\[bot\]$/i, "") || undefined;
}

const STATUS_IDENTITY = ["kind", "key", "delivery"] as const;

function sameStatus(found: MarkerData, wanted: MarkerData): boolean {
  return STATUS_IDENTITY.every((field) => JSON.stringify(found[field] ?? null) === JSON.stringify(wanted[field] ?? null));
}

export function createRepoGitHub(octokit: GitHubClient, scope: RepoScope, options: RepoGitHubOptions = {}): RepoGitHub {
  const { owner, repo } = scope;
  const botLogin = options.botLogin || undefined;
  const appSlug = slugOf(botLogin);
  const permissionOf = createPermissionCache(octokit, owner, repo);
  const isSelf = (user: GitHubUser): boolean => Boolean(botLogin && user?.login && user.login.toLowerCase() === botLogin.toLowerCase());
  /** Whose markers count: the app's; while its login is unknown, any Bot's (a person's never). */
  const isOwnComment = (user: GitHubUser): boolean => (botLogin ? isSelf(user) : user?.type === "Bot");
  const filterOf = (filter: ContextFilter): CommentFilter => ({ ...filter, appSlug, permissionOf });
  const fullTarget = (target: RepoStatusTarget): StatusTarget =>
    target.type === "issue"
      ? { type: "issue", owner, repo, number: target.number }
      : { type: "review-thread", owner, repo, pullNumber: target.pullNumber, inReplyTo: target.inReplyTo };

  async function findStatusComment(target: RepoStatusTarget, marker: MarkerData): Promise<{ id: number; body: string } | null> {
    const own = (c: { id: number; body?: string | null; user?: GitHubUser }) => {
      if (!isOwnComment(c.user)) return false;
      const found = findMarker(c.body, "status");
      return found !== null && sameStatus(found, marker);
    };
    if (target.type === "issue") {
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: target.number, per_page: 100 })) {
        const hit = page.data.find(own);
        if (hit) return { id: hit.id, body: hit.body ?? "" };
      }
      return null;
    }
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listReviewComments, {
      owner,
      repo,
      pull_number: target.pullNumber,
      per_page: 100,
    })) {
      const hit = page.data.find((c) => c.in_reply_to_id === target.inReplyTo && own(c));
      if (hit) return { id: hit.id, body: hit.body ?? "" };
    }
    return null;
  }

  const port: RepoGitHub = {
    owner,
    repo,
    botLogin,
    isSelf,
    isOwnApp: (app) => Boolean(appSlug && app?.slug && app.slug.toLowerCase() === appSlug.toLowerCase()),
    permissionOf,
    authorizeSender: (sender, policy) => authorizeSender(octokit, { owner, repo, sender, ...policy, appSlug }),

    loadConfig: () => loadRepoConfig(octokit, { owner, repo }),
    getRepositoryId: () => getRepositoryId(octokit, { owner, repo }),
    getIssueContext: (number, filter) => getIssueContext(octokit, { owner, repo, number, ...filterOf(filter) }),
    getPullRequest: (number) => getPullRequest(octokit, { owner, repo, number }),
    getPullRequestHead: (number) => getPullRequestHead(octokit, { owner, repo, number }),
    getPullRequestDiff: (number) => getPullRequestDiff(octokit, { owner, repo, number }),
    getUnresolvedThreads: (number, filter) => getUnresolvedThreads(octokit, { owner, repo, number, ...filterOf(filter) }),
    getReviewThread: (number, commentId, filter) => getReviewThread(octokit, { owner, repo, number, commentId, ...filterOf(filter) }),
    listIssueComments: (number) => listIssueComments(octokit, { owner, repo, number }),
    listPullRequestDiffFiles: (number, maxFiles) => listPullRequestDiffFiles(octokit, { owner, repo, number }, maxFiles),
    listPostedFindings: (number) => listPostedFindings(octokit, { owner, repo, number }, appSlug),
    findSecuritySummary: (number) => findSecuritySummary(octokit, { owner, repo, number }, appSlug),
    findFirstFile: (paths, ref) => findFirstRepoFile(octokit, { owner, repo, ...(ref ? { ref } : {}) }, paths),
    findPullRequestForBranch: (head) => findPullRequestForBranch(octokit, { owner, repo, head }),
    findPullRequestByHeadPrefix: (headPrefix) => findPullRequestByHeadPrefix(octokit, { owner, repo, headPrefix }),
    getActionsJobLogTail: (jobId, maxChars) => getActionsJobLogTail(octokit, { owner, repo, jobId, ...(maxChars !== undefined ? { maxChars } : {}) }),

    addEyesReaction: (target) => addEyesReaction(octokit, { ...target, owner, repo }),
    postComment: (number, body) => postComment(octokit, { owner, repo, number, body }),
    replyInReviewThread: (pullNumber, inReplyTo, body) => replyInReviewThread(octokit, { owner, repo, number: pullNumber, inReplyTo, body }),
    removeLabel: (number, label) => removeLabel(octokit, { owner, repo, number, label }),
    updatePullRequestBody: (number, body) => updatePullRequestBody(octokit, { owner, repo, number, body }),

    createStatusComment: (target, view, marker) => createStatusComment(octokit, fullTarget(target), view, marker),
    // A ref's own owner/repo (a StatusCommentRef carries them) are ignored: the port writes to its repository only.
    updateStatusComment: (ref, body) => updateStatusComment(octokit, { target: fullTarget(ref.target), commentId: ref.commentId }, body),
    setStatus: (ref, view, marker) =>
      updateStatusComment(octokit, { target: fullTarget(ref.target), commentId: ref.commentId }, renderStatusBody(view, marker)),
    deleteStatusComment: (ref) => deleteStatusComment(octokit, { target: fullTarget(ref.target), commentId: ref.commentId }),
    async ensureStatusComment(target, marker, body) {
      const full = `${body}\n\n${renderMarker("status", marker)}`;
      let existing: { id: number; body: string } | null;
      try {
        existing = await findStatusComment(target, marker);
      } catch (error) {
        throw toGitHubError(error, "look up the status comment");
      }
      if (!existing) {
        const ref = await createStatusCommentWithBody(octokit, fullTarget(target), full);
        return { ...ref, action: "created" };
      }
      const ref: StatusCommentRef = { target: fullTarget(target), commentId: existing.id };
      if (existing.body === full) return { ...ref, action: "unchanged" };
      await updateStatusComment(octokit, ref, full);
      return { ...ref, action: "updated" };
    },

    reportConfigError: (number, error) => reportConfigError(octokit, { owner, repo, issueNumber: number, error, botLogin }),
    ensureLabel: (name) => ensureLabel(octokit, { owner, repo, name }),
    ensurePullRequest: (params, onWarning) => ensurePullRequest(octokit, { ...params, owner, repo }, onWarning),
    async ensureSecuritySummary(number, body, existing) {
      const found = existing === undefined ? await findSecuritySummary(octokit, { owner, repo, number }, appSlug) : existing;
      return ensureSecuritySummary(octokit, { owner, repo, number, body, existingId: found?.id ?? null });
    },

    postSecurityReview: (params) => postSecurityReview(octokit, { ...params, owner, repo }),
    createSecurityCheckRun: (params) => createSecurityCheckRun(octokit, { ...params, owner, repo }),
    async ensureSecurityCheckRun(params) {
      const existing = await findOwnCheckRun(octokit, { owner, repo, headSha: params.headSha, name: SECURITY_CHECK_NAME, appSlug });
      return createSecurityCheckRun(octokit, { ...params, owner, repo, ...(existing !== null ? { existingId: existing } : {}) });
    },
    createRunCheck: (params) => createRunCheck(octokit, { ...params, owner, repo }),
    async ensureRunCheck(params) {
      const existing = await findOwnCheckRun(octokit, { owner, repo, headSha: params.headSha, name: RUN_CHECK_NAME, appSlug });
      return createRunCheck(octokit, { ...params, owner, repo, ...(existing !== null ? { existingId: existing } : {}) });
    },
    uploadSarif: (params) => uploadReviewSarif(octokit, { ...params, owner, repo }),
    createApiCommit: (params) => createApiCommit(octokit, { ...params, owner, repo }),
  };
  return port;
}
