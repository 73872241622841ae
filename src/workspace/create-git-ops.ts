/**
 * The workspace bound to one process's settings, in the narrow shape the tasks consume
 * (`GitOps` in src/tasks/task-deps.ts; structurally identical, declared here so workspace/ does
 * not depend on tasks/). Size caps come from the operator's env; the logger is per job.
 */
import { changedFiles } from "./changed-files.js";
import { cloneRepo } from "./clone-repo.js";
import { commitAll, type GitIdentity } from "./commit-all.js";
import { createBranch } from "./create-branch.js";
import { pushBranch } from "./push-branch.js";
import { unifiedDiff } from "./unified-diff.js";
import { withWorkspace } from "./workspace-dir.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";

export interface CreateGitOpsOptions {
  /** AGENT_DATA_DIR; workspaces go to `<dataDir>/workspaces/`. */
  dataDir: string;
  /** Cap on bytes fetched by a clone (AGENT_MAX_REPO_MB * 1024 * 1024). */
  maxRepoBytes: number;
  /** Default clone depth (AGENT_CLONE_DEPTH; 0 = full history). */
  cloneDepth?: number;
  /** Largest file a commit may contain. Default 5 MiB. */
  maxFileBytes?: number;
  /** Cap on the unified diff handed to PR bodies, review and the model. Default 1 MiB. */
  maxDiffBytes?: number;
  log?: WorkspaceLog;
}

export interface WorkspaceGitOps {
  withWorkspace<T>(jobId: string, fn: (dir: string) => Promise<T>): Promise<T>;
  clone(options: { dir: string; url: string; ref?: string; token: string; depth?: number }): Promise<{ headSha: string }>;
  createBranch(options: { dir: string; name: string }): Promise<void>;
  commitAll(options: { dir: string; message: string; author: GitIdentity; coAuthors: GitIdentity[] }): Promise<string | null>;
  push(options: { dir: string; url: string; branch: string; token: string; expectedRemoteSha: string | null }): Promise<void>;
  changedFiles(options: { dir: string; baseSha: string }): Promise<string[]>;
  unifiedDiff(options: { dir: string; baseSha: string }): Promise<string>;
}

export function createGitOps(options: CreateGitOpsOptions): WorkspaceGitOps {
  const { dataDir, maxRepoBytes, cloneDepth = 1, maxFileBytes = 5 * 1024 * 1024, maxDiffBytes = 1024 * 1024, log = silentLog } = options;
  return {
    // The callback gets the checkout directory (`<workspace>/repo`); the workspace root is removed afterwards.
    withWorkspace: (jobId, fn) => withWorkspace(dataDir, jobId, (ws) => fn(ws.repoDir)),
    clone: async ({ dir, url, ref, token, depth }) => {
      const { headSha } = await cloneRepo({ dir, url, ref, token, depth: depth ?? cloneDepth, maxBytes: maxRepoBytes, log });
      return { headSha };
    },
    createBranch: ({ dir, name }) => createBranch({ dir, name, force: true }),
    commitAll: ({ dir, message, author, coAuthors }) => commitAll({ dir, message, author, coAuthors, maxFileBytes }),
    push: async ({ dir, url, branch, token, expectedRemoteSha }) => {
      await pushBranch({ dir, url, token, branch, expectedRemoteSha, log });
    },
    changedFiles: async ({ dir, baseSha }) => {
      const files = await changedFiles(dir, baseSha);
      // Both sides of a rename: path policies (protected config files) must see where it came from.
      return [...new Set(files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])))].sort();
    },
    unifiedDiff: ({ dir, baseSha }) => unifiedDiff(dir, baseSha, { maxBytes: maxDiffBytes }),
  };
}
