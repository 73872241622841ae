/**
 * Messages between the app and a workspace worker (a child process per job). Plain data over
 * Node's IPC channel: the token travels in a request's arguments, in memory only, never in argv,
 * the child's environment or a file. Errors cross as their code and safe fields and are rebuilt
 * as the same typed errors on the app's side.
 */
import { AppError, CancelledError } from "../shared/errors.js";
import type { ChangedFile } from "./changed-files.js";
import { BranchMovedError, WorkspaceError, type WorkspaceErrorCode } from "./errors.js";
import type { ExpandedTreeCaps } from "./clone-types.js";
import type { RefusedPath, TreeCaps } from "./snapshot-work-tree.js";
import type { SecretHit } from "./prepare-changes.js";
import type { ApiCommitPlan } from "./api-commit-plan.js";

export interface WorkerSettings {
  maxRepoBytes: number;
  cloneDepth: number;
  maxFileBytes: number;
  maxDiffBytes: number;
  treeCaps: ExpandedTreeCaps;
  workTreeCaps: TreeCaps;
  /** `<dataDir>/repo-cache`, or null when the cache is off. */
  cacheRoot: string | null;
  cacheMaxBytes: number;
  /** Use the machine's git when it is there (AGENT_NATIVE_GIT). */
  nativeGit: boolean;
}

export interface Identity {
  name: string;
  email: string;
}

export interface PreparedSummary {
  changed: ChangedFile[];
  refused: RefusedPath[];
  secretHits: SecretHit[];
  unscanned: string[];
}

export interface WorkerOps {
  clone: {
    args: { dir: string; url: string; ref?: string | undefined; token?: string | undefined; depth?: number | undefined; scope?: string | undefined };
    result: { headSha: string; warm: boolean };
  };
  createBranch: { args: { dir: string; name: string }; result: null };
  prepare: { args: { dir: string; baseSha: string; scan: boolean }; result: PreparedSummary };
  commit: { args: { dir: string; message: string; author: Identity; coAuthors: Identity[] }; result: string | null };
  push: { args: { dir: string; url: string; branch: string; token: string; expectedRemoteSha: string | null }; result: null };
  /** The inspected snapshot as Git Data API entries (needs a `prepare` first). */
  apiPlan: { args: { dir: string }; result: ApiCommitPlan };
  readBlobs: { args: { dir: string; oids: string[] }; result: { oid: string; base64: string }[] };
  diff: { args: { dir: string; baseSha: string }; result: string };
  remove: { args: { root: string }; result: null };
}

export type OpName = keyof WorkerOps;

export type ToWorker = { type: "init"; settings: WorkerSettings } | { type: "call"; id: number; op: OpName; args: unknown };

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  userMessage?: string | undefined;
  retryable?: boolean | undefined;
  paths?: readonly string[] | undefined;
  branch?: string | undefined;
  expected?: string | null | undefined;
  actual?: string | null | undefined;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; error: SerializedError }
  | { type: "log"; level: "debug" | "info" | "warn"; obj: object; msg: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof BranchMovedError)
    return { name: "BranchMovedError", code: error.code, message: error.message, branch: error.branch, expected: error.expected, actual: error.actual };
  if (error instanceof WorkspaceError)
    return { name: "WorkspaceError", code: error.code, message: error.message, userMessage: error.userMessage, retryable: error.retryable, paths: error.paths };
  if (error instanceof AppError)
    return { name: "AppError", code: error.code, message: error.message, userMessage: error.userMessage, retryable: error.retryable };
  return { name: "Error", code: "internal", message: String((error as Error)?.message ?? error).slice(0, 2000) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.name === "BranchMovedError") return new BranchMovedError(e.branch ?? "", e.expected ?? null, e.actual ?? null);
  if (e.code === "job/cancelled") return new CancelledError();
  if (e.name === "WorkspaceError")
    return new WorkspaceError(e.code as WorkspaceErrorCode, e.message, { userMessage: e.userMessage, retryable: e.retryable ?? false, paths: e.paths ?? [] });
  if (e.name === "AppError") return new AppError(e.code as AppError["code"], e.message, { userMessage: e.userMessage, retryable: e.retryable ?? false });
  return new WorkspaceError("workspace/worker", `The workspace worker failed: ${e.message}`, {
    userMessage: "The repository work for this job failed unexpectedly; nothing was pushed.",
  });
}
