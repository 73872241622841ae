/**
 * Workspace errors. Every isomorphic-git or file-system failure is translated into one of these at
 * the workspace boundary, so tasks branch on `code` and never see a raw library error.
 * Messages never contain a token: URLs are passed without credentials and auth data is not echoed.
 */
import { AppError, type AppErrorOptions } from "../shared/errors.js";

export type WorkspaceErrorCode =
  | "workspace/auth"
  | "workspace/clone"
  | "workspace/too-large"
  | "workspace/commit-refused"
  | "workspace/push"
  | "workspace/not-found"
  | "workspace/worker"
  | "workspace/hostile-tree";

export class WorkspaceError extends AppError {
  /** Paths a commit refused (for "workspace/commit-refused"); empty otherwise. */
  readonly paths: readonly string[];
  constructor(code: WorkspaceErrorCode, message: string, options: AppErrorOptions & { paths?: readonly string[] } = {}) {
    super(code, message, options);
    this.paths = options.paths ?? [];
  }
}

/** The remote branch is no longer where the clone found it: someone pushed meanwhile. */
export class BranchMovedError extends AppError {
  readonly branch: string;
  /** The sha the job started from (or null when the branch was expected not to exist). */
  readonly expected: string | null;
  /** The sha the remote has now (null when the branch was deleted). */
  readonly actual: string | null;
  constructor(branch: string, expected: string | null, actual: string | null) {
    const short = (sha: string | null): string => (sha ? sha.slice(0, 12) : "(none)");
    const message = `Branch ${branch} moved on the remote since the job started: expected ${short(expected)}, found ${short(actual)}.`;
    super("workspace/branch-moved", message, {
      userMessage: `${message} Nothing was pushed, so no one's commits were overwritten; run the command again to work on top of the new commits.`,
    });
    this.branch = branch;
    this.expected = expected;
    this.actual = actual;
  }
}
