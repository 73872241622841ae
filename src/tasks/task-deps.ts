/**
 * What the tasks (resolve-issue, fix-pr, the security review) need, injected so tests drive them with a nocked
 * Octokit behind the repository ports (`github.forRepo`), the real test git server, the scripted model and the real sandbox. `GitOps` is the
 * narrow slice of src/workspace/ the tasks use; `create-task-deps.ts` binds it to the real module.
 */
import type { Env } from "../config/env.js";
import type { GitHubClientFactory } from "../github/client.js";
import type { RepoGitHub } from "../github/repo-github.js";
import type { QuotaView } from "../github/quota.js";
import type { JobMetrics } from "../jobs/metrics.js";
import type { RunAgentInput, RunAgentResult } from "../agent/types.js";
import type { Sandbox, SandboxPolicy } from "../sandbox/types.js";
import type { ApiCommitPlan } from "../workspace/api-commit-plan.js";
import type { SpendLedger } from "./spend-ledger.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export interface InspectedChanges {
  /** Changed paths, both sides of renames included, sorted. */
  changedFiles: string[];
  /** Each change with its status (the workspace gives it; fakes may leave it out). */
  files?: { path: string; status: string }[];
  /** Paths the snapshot refused (special files, control characters, nested .git, over the cap): nothing is published. */
  refused: { path: string; reason: string }[];
  /** Secrets in exactly the bytes that would be committed. */
  secretHits: SecretHit[];
  /** Files the scan could not read to the end: never pushed. */
  unscanned: string[];
}

export interface GitOps {
  /**
   * A private scratch directory for the job, always removed afterwards. Its repository work runs in
   * a worker process killed when `signal` aborts; its log lines go to `log`.
   */
  withWorkspace<T>(
    job: string | { id: string; signal?: AbortSignal | undefined; log?: WorkspaceLogger | undefined },
    fn: (dir: string) => Promise<T>,
  ): Promise<T>;
  /**
   * Clone `ref` (branch name or full ref) of `url` into `dir`; returns the checked-out commit.
   * `scope` keys the repository cache (the installation). `token: ""` clones anonymously (a public fork).
   */
  clone(options: { dir: string; url: string; ref: string; token: string; depth?: number; scope?: string }): Promise<{ headSha: string }>;
  /** Snapshot the work tree (hostile-tree rules), store and secret-scan exactly what `commitAll` will commit. */
  inspectChanges(options: { dir: string; baseSha: string }): Promise<InspectedChanges>;
  /** Create branch `name` at HEAD and check it out. */
  createBranch(options: { dir: string; name: string }): Promise<void>;
  /** Stage everything and commit; null when there is nothing to commit. */
  commitAll(options: { dir: string; message: string; author: GitIdentity; coAuthors: GitIdentity[] }): Promise<string | null>;
  /** Push HEAD to `branch` without force; throws a `workspace/branch-moved` AppError if the remote is not at `expectedRemoteSha` (null: must not exist). */
  push(options: { dir: string; url: string; branch: string; token: string; expectedRemoteSha: string | null }): Promise<void>;
  /** The inspected snapshot as Git Data API entries (for `pullRequest.commitMethod: api`). */
  apiCommitPlan(options: { dir: string }): Promise<ApiCommitPlan>;
  /** Blob bytes (base64) of a plan's entries; the caller batches by size. */
  readBlobs(options: { dir: string; oids: string[] }): Promise<{ oid: string; base64: string }[]>;
  /** Paths changed in the work tree relative to `baseSha` (added, modified, deleted). */
  changedFiles(options: { dir: string; baseSha: string }): Promise<string[]>;
  /** Unified diff of the work tree against `baseSha`. */
  unifiedDiff(options: { dir: string; baseSha: string }): Promise<string>;
}

export interface WorkspaceLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SecretHit {
  path: string;
  line: number;
  title: string;
  /** A credential's format with a made-up value (the scan's placeholder tier): reported, but never stops a push on its own. */
  placeholder?: boolean;
}

/**
 * What the tasks may ask of the client factory: repository ports and git tokens, never a bare
 * Octokit (every GitHub call of a task goes through the port).
 */
export type TaskGitHub = Pick<GitHubClientFactory, "forRepo" | "installationToken">;

export interface TaskDeps {
  env: Env;
  github: TaskGitHub;
  git: GitOps;
  runAgent: (input: RunAgentInput) => Promise<RunAgentResult>;
  createSandbox: (policy: SandboxPolicy) => Sandbox;
  spend: SpendLedger;
  metrics?: JobMetrics | undefined;
  /** The installations' REST quota as this process last saw it: automatic work pauses when it is low. */
  quota?: QuotaView | undefined;
  /** Create the trigger label on a repository's first run in this process (never fails the run). */
  ensureTriggerLabel?: (gh: Pick<RepoGitHub, "owner" | "repo" | "ensureLabel">, name: string) => Promise<void>;
  /** Minimum gap between intermediate status edits (default 10 s). */
  statusIntervalMs?: number;
  now?: () => number;
}
