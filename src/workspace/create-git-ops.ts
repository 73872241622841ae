/**
 * The workspace bound to one process's settings, in the narrow shape the tasks consume
 * (`GitOps` in src/tasks/task-deps.ts; structurally identical, declared here so workspace/ does
 * not depend on tasks/). Every operation runs in the job's workspace worker, a child process
 * started for the job and killed when it ends, is cancelled or times out; this process only
 * creates the directory and passes messages. One spare worker is kept started so a job does not
 * wait for a process to boot.
 */
import type { ApiCommitPlan } from "./api-commit-plan.js";
import type { ChangedFile } from "./changed-files.js";
import type { GitIdentity } from "./commit-all.js";
import type { ExpandedTreeCaps } from "./clone-types.js";
import type { SecretHit } from "./prepare-changes.js";
import type { RefusedPath } from "./snapshot-work-tree.js";
import { WorkspaceWorker, type WorkerLimits } from "./workspace-client.js";
import { createWorkspace, removeTree } from "./workspace-dir.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";
import type { WorkerSettings } from "./worker-protocol.js";
import path from "node:path";

const MB = 1024 * 1024;

export interface CreateGitOpsOptions {
  /** AGENT_DATA_DIR; workspaces go to `<dataDir>/workspaces/`, the cache to `<dataDir>/repo-cache/`. */
  dataDir: string;
  /** Cap on bytes fetched by a clone (AGENT_MAX_REPO_MB * 1024 * 1024). */
  maxRepoBytes: number;
  /** Default clone depth (AGENT_CLONE_DEPTH; 0 = full history). */
  cloneDepth?: number;
  /** Largest file a commit may contain. Default 5 MiB. */
  maxFileBytes?: number;
  /** Cap on the unified diff handed to PR bodies, review and the model. Default 1 MiB. */
  maxDiffBytes?: number;
  /** What a checkout may expand to (AGENT_MAX_TREE_FILES, AGENT_MAX_TREE_MB, AGENT_MAX_BLOB_MB). */
  treeCaps?: ExpandedTreeCaps;
  /** Repository cache size cap (AGENT_REPO_CACHE_MB); 0 turns the cache off. Default 2 GiB. */
  cacheMaxBytes?: number;
  /** Use the machine's git when present (AGENT_NATIVE_GIT). Default true. */
  nativeGit?: boolean;
  /** Worker memory and time limits (AGENT_WORKSPACE_MEMORY_MB, AGENT_WORKSPACE_TIMEOUT_MINUTES). */
  limits?: Partial<WorkerLimits>;
  log?: WorkspaceLog;
}

export interface InspectedChanges {
  /** Changed paths, both sides of renames included, sorted. */
  changedFiles: string[];
  files: ChangedFile[];
  refused: RefusedPath[];
  secretHits: SecretHit[];
  unscanned: string[];
}

export interface WorkspaceOptions {
  signal?: AbortSignal | undefined;
  log?: WorkspaceLog | undefined;
}

export interface WorkspaceGitOps {
  withWorkspace<T>(job: string | ({ id: string } & WorkspaceOptions), fn: (dir: string) => Promise<T>): Promise<T>;
  clone(options: { dir: string; url: string; ref?: string; token: string; depth?: number; scope?: string }): Promise<{ headSha: string }>;
  createBranch(options: { dir: string; name: string }): Promise<void>;
  /** Snapshot the work tree, store its blobs and scan exactly them: what `commitAll` then commits. */
  inspectChanges(options: { dir: string; baseSha: string }): Promise<InspectedChanges>;
  commitAll(options: { dir: string; message: string; author: GitIdentity; coAuthors: GitIdentity[] }): Promise<string | null>;
  push(options: { dir: string; url: string; branch: string; token: string; expectedRemoteSha: string | null }): Promise<void>;
  /** The inspected snapshot as Git Data API entries, for a commit made through GitHub's API. */
  apiCommitPlan(options: { dir: string }): Promise<ApiCommitPlan>;
  /** Blob bytes (base64) of a plan's entries; callers batch by size. */
  readBlobs(options: { dir: string; oids: string[] }): Promise<{ oid: string; base64: string }[]>;
  changedFiles(options: { dir: string; baseSha: string }): Promise<string[]>;
  unifiedDiff(options: { dir: string; baseSha: string }): Promise<string>;
  /** Stop the spare worker (shutdown). */
  close(): Promise<void>;
}

function pathsOf(files: readonly ChangedFile[]): string[] {
  // Both sides of a rename: path policies (protected config files) must see where it came from.
  return [...new Set(files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])))].sort();
}

export function createGitOps(options: CreateGitOpsOptions): WorkspaceGitOps {
  const { dataDir, maxRepoBytes, cloneDepth = 1, maxFileBytes = 5 * MB, maxDiffBytes = MB, log = silentLog } = options;
  const treeCaps = options.treeCaps ?? { maxEntries: 200_000, maxTotalBytes: 4096 * MB, maxBlobBytes: 100 * MB };
  const cacheMaxBytes = options.cacheMaxBytes ?? 2048 * MB;
  const settings: WorkerSettings = {
    maxRepoBytes,
    cloneDepth,
    maxFileBytes,
    maxDiffBytes,
    treeCaps,
    workTreeCaps: { maxEntries: treeCaps.maxEntries, maxTotalBytes: treeCaps.maxTotalBytes },
    cacheRoot: cacheMaxBytes > 0 ? path.join(dataDir, "repo-cache") : null,
    cacheMaxBytes,
    nativeGit: options.nativeGit ?? true,
  };
  const limits: WorkerLimits = { heapMb: 512, memoryBytes: 1024 * MB, cloneTimeoutMs: 30 * 60_000, opTimeoutMs: 10 * 60_000, ...options.limits };
  const workers = new Map<string, { worker: WorkspaceWorker; signal: AbortSignal | undefined }>();
  let spare: WorkspaceWorker | undefined;

  const startSpare = (): void => {
    spare = new WorkspaceWorker(settings, limits);
    spare.setIdle(true);
  };
  const take = (): WorkspaceWorker => {
    const worker = spare?.alive ? spare : new WorkspaceWorker(settings, limits);
    worker.setIdle(false);
    startSpare();
    return worker;
  };
  startSpare();

  /** The worker of the job owning `dir`; a one-off worker for calls outside withWorkspace. */
  const run = async <T>(dir: string, fn: (worker: WorkspaceWorker, signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    const owned = workers.get(dir);
    if (owned) return fn(owned.worker, owned.signal);
    const worker = new WorkspaceWorker(settings, limits);
    worker.log = log;
    try {
      return await fn(worker, undefined);
    } finally {
      await worker.close();
    }
  };

  return {
    withWorkspace: async (job, fn) => {
      const opts: WorkspaceOptions = typeof job === "string" ? {} : job;
      const ws = await createWorkspace(dataDir, typeof job === "string" ? job : job.id);
      const worker = take();
      worker.log = opts.log ?? log;
      workers.set(ws.repoDir, { worker, signal: opts.signal });
      const onAbort = (): void => worker.kill();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        return await fn(ws.repoDir);
      } finally {
        opts.signal?.removeEventListener("abort", onAbort);
        workers.delete(ws.repoDir);
        // Removal of a tree the model wrote is repository I/O too: done by a worker, not here.
        const remover = worker.alive ? worker : new WorkspaceWorker(settings, limits);
        try {
          await remover.call("remove", { root: ws.root });
        } catch {
          await removeTree(ws.root).catch(() => undefined);
        } finally {
          await remover.close();
          if (remover !== worker) await worker.close();
        }
      }
    },
    clone: ({ dir, url, ref, token, depth, scope }) => run(dir, (w, signal) => w.call("clone", { dir, url, ref, token, depth, scope }, signal)),
    createBranch: async ({ dir, name }) => {
      await run(dir, (w, signal) => w.call("createBranch", { dir, name }, signal));
    },
    inspectChanges: async ({ dir, baseSha }) => {
      const summary = await run(dir, (w, signal) => w.call("prepare", { dir, baseSha, scan: true }, signal));
      return {
        changedFiles: pathsOf(summary.changed),
        files: summary.changed,
        refused: summary.refused,
        secretHits: summary.secretHits,
        unscanned: summary.unscanned,
      };
    },
    commitAll: ({ dir, message, author, coAuthors }) => run(dir, (w, signal) => w.call("commit", { dir, message, author, coAuthors }, signal)),
    push: async ({ dir, url, branch, token, expectedRemoteSha }) => {
      await run(dir, (w, signal) => w.call("push", { dir, url, branch, token, expectedRemoteSha }, signal));
    },
    apiCommitPlan: ({ dir }) => run(dir, (w, signal) => w.call("apiPlan", { dir }, signal)),
    readBlobs: ({ dir, oids }) => run(dir, (w, signal) => w.call("readBlobs", { dir, oids }, signal)),
    changedFiles: async ({ dir, baseSha }) => {
      const summary = await run(dir, (w, signal) => w.call("prepare", { dir, baseSha, scan: false }, signal));
      return pathsOf(summary.changed);
    },
    unifiedDiff: ({ dir, baseSha }) => run(dir, (w, signal) => w.call("diff", { dir, baseSha }, signal)),
    close: async () => {
      await spare?.close();
      spare = undefined;
    },
  };
}
