/**
 * The few git operations the CLI needs on the user's checkout, over src/workspace (see
 * create-local-git.ts: nothing the work tree controls is ever executed). An interface so the run
 * command's tests can see calls.
 */
export interface LocalGit {
  /** Throws (with a message saying what to do) for checkouts the CLI cannot read safely: linked worktrees, sparse checkouts. */
  assertSupported(dir: string): Promise<void>;
  /** Paths that differ from HEAD in the working tree (added, modified, deleted), sorted. */
  changedFiles(dir: string): Promise<string[]>;
  /** Paths staged in the index that differ from HEAD, sorted. */
  stagedFiles(dir: string): Promise<string[]>;
  /** Throws when `--commit --branch branch` cannot work here (no commit yet, branch exists, filters). */
  assertCanCommit(dir: string, branch: string): Promise<void>;
  /** Create `branch` at HEAD, switch to it without touching the working tree, commit every change; returns the commit id. */
  commitOnNewBranch(dir: string, branch: string, title: string, body: string): Promise<string>;
  /** Unified diff of the working tree (committed and uncommitted changes) against `baseRef`. */
  diffAgainst(dir: string, baseRef: string): Promise<string>;
  /** The first of `candidates` that resolves to a commit, or null. */
  resolveFirstRef(dir: string, candidates: readonly string[]): Promise<string | null>;
  /** HEAD's commit and branch (null when detached or unborn) and origin's URL (null when none): the SARIF provenance. */
  describeHead(dir: string): Promise<HeadInfo>;
}

export interface HeadInfo {
  commit: string | null;
  branch: string | null;
  remoteUrl: string | null;
}
