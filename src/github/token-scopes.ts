/**
 * The installation token each step gets: one repository, and only the permissions that step uses
 * (THREATS A12). A step that needs an optional permission (Actions logs, code scanning) gets its
 * own client for that call, so an installation without that permission loses only that extra.
 */
import type { GitTokenScope, TokenScope } from "./client.js";

const one = (repoId: number): [number] => [repoId];

export const TOKEN_SCOPES = {
  /** Webhook handlers: 👀, the status comment, refusals, review-thread replies, PR and permission reads. */
  handler: (repoId: number): TokenScope => ({
    repositoryIds: one(repoId),
    permissions: { issues: "write", pull_requests: "write", contents: "read", metadata: "read" },
  }),
  /** resolve-issue / fix-pr API work: status comment, labels, opening or updating the PR, reading files and threads. */
  agentRun: (repoId: number): TokenScope => ({
    repositoryIds: one(repoId),
    permissions: { issues: "write", pull_requests: "write", contents: "read", metadata: "read" },
  }),
  /** Autofix: the tail of a failed Actions job's log (optional App permission). */
  actionsLog: (repoId: number): TokenScope => ({ repositoryIds: one(repoId), permissions: { actions: "read" } }),
  /** Security review: read the PR, post the review, the summary comment and the check run. */
  review: (repoId: number): TokenScope => ({
    repositoryIds: one(repoId),
    permissions: { pull_requests: "write", issues: "write", checks: "write", contents: "read", metadata: "read" },
  }),
  /** `review.sarif`: upload to code scanning (optional App permission). */
  sarif: (repoId: number): TokenScope => ({ repositoryIds: one(repoId), permissions: { security_events: "write" } }),
  /** A new installation: create the trigger label in a repository. */
  labels: (repoId: number): TokenScope => ({ repositoryIds: one(repoId), permissions: { issues: "write", metadata: "read" } }),
  /** The queue gave up on a run: finish its status comment (an issue comment or a review-thread reply). */
  giveUp: (repoId: number): TokenScope => ({ repositoryIds: one(repoId), permissions: { issues: "write", pull_requests: "write" } }),
  /** git: clone and push the agent's branch or the PR branch. */
  gitPush: (repoId: number): GitTokenScope => ({ repositoryIds: one(repoId), permissions: { contents: "write" } }),
  /** git: clone for a review (read-only). */
  gitRead: (repoId: number): GitTokenScope => ({ repositoryIds: one(repoId), permissions: { contents: "read" } }),
} as const;
