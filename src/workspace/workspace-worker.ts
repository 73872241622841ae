/**
 * The workspace worker: a child process that does all of one job's repository I/O (clone,
 * checkout, the post-run snapshot and secret scan, diff, commit, push, removal) so the app's event
 * loop and thread pool never touch a tree the model wrote. It is started by workspace-client.ts,
 * with a heap cap and (where the host allows) a cgroup, and killed when the job is cancelled,
 * times out or ends. A wedge, crash or OOM here fails only that job.
 */
import { buildApiCommitPlan, readPlanBlobs } from "./api-commit-plan.js";
import { createBranch } from "./create-branch.js";
import { WorkspaceError } from "./errors.js";
import { cloneRepo } from "./clone-repo.js";
import { commitPrepared } from "./commit-all.js";
import { detectNativeGit } from "./native-git.js";
import { cloneNative, settleBackgroundWork } from "./native-clone.js";
import { prepareChanges, type PreparedChanges } from "./prepare-changes.js";
import { prePushScanner } from "./pre-push-scanner.js";
import { pushBranch } from "./push-branch.js";
import { renderUnifiedDiff } from "./unified-diff.js";
import { removeTree } from "./workspace-dir.js";
import type { WorkspaceLog } from "./workspace-log.js";
import { serializeError, type FromWorker, type OpName, type ToWorker, type WorkerOps, type WorkerSettings } from "./worker-protocol.js";

const send = (message: FromWorker): void => {
  if (!process.connected) return;
  // A parent gone between the check and the write (a spare worker the app closed at once) fails the
  // write with EPIPE: answered here rather than as an unhandled 'error' that crashes with a stack
  // trace; the 'disconnect' handler below ends the worker.
  process.send?.(message, undefined, undefined, () => undefined);
};

const log: WorkspaceLog = {
  debug: (obj, msg) => send({ type: "log", level: "debug", obj, msg }),
  info: (obj, msg) => send({ type: "log", level: "info", obj, msg }),
  warn: (obj, msg) => send({ type: "log", level: "warn", obj, msg }),
};

let settings: WorkerSettings | undefined;
const prepared = new Map<string, PreparedChanges>();
const caches = new Map<string, object>();
const cacheFor = (dir: string): object => {
  let c = caches.get(dir);
  if (!c) caches.set(dir, (c = {}));
  return c;
};

async function useNativeGit(): Promise<boolean> {
  return (await detectNativeGit(settings?.nativeGit ?? true)) !== null;
}

type Handlers = { [K in OpName]: (args: WorkerOps[K]["args"]) => Promise<WorkerOps[K]["result"]> };

const handlers: Handlers = {
  clone: async ({ dir, url, ref, token, depth, scope }) => {
    const s = settings!;
    const common = { dir, url, ref, token, depth: depth ?? s.cloneDepth, maxBytes: s.maxRepoBytes, log };
    if (await useNativeGit()) {
      const repoCache = s.cacheRoot && s.cacheMaxBytes > 0 && scope ? { root: s.cacheRoot, maxBytes: s.cacheMaxBytes } : null;
      const result = await cloneNative({ ...common, scope: scope ?? "", repoCache, treeCaps: s.treeCaps });
      return { headSha: result.headSha, warm: repoCache !== null };
    }
    const result = await cloneRepo({ ...common, cache: cacheFor(dir), treeCaps: s.treeCaps });
    return { headSha: result.headSha, warm: false };
  },
  createBranch: async ({ dir, name }) => {
    await createBranch({ dir, name, force: true });
    return null;
  },
  prepare: async ({ dir, baseSha, scan }) => {
    const s = settings!;
    const result = await prepareChanges({
      dir,
      baseRef: baseSha,
      caps: s.workTreeCaps,
      maxFileBytes: s.maxFileBytes,
      nativeGit: await useNativeGit(),
      scan: scan ? await prePushScanner() : undefined,
      cache: cacheFor(dir),
    });
    prepared.set(dir, result);
    return { changed: result.changed, refused: result.refused, secretHits: result.secretHits, unscanned: result.unscanned };
  },
  commit: async ({ dir, message, author, coAuthors }) => {
    const s = settings!;
    const nativeGit = await useNativeGit();
    const snapshot =
      prepared.get(dir) ??
      (await prepareChanges({ dir, baseRef: "HEAD", caps: s.workTreeCaps, maxFileBytes: s.maxFileBytes, nativeGit, cache: cacheFor(dir) }));
    prepared.delete(dir);
    return commitPrepared({ dir, message, author, coAuthors, maxFileBytes: s.maxFileBytes }, snapshot, nativeGit);
  },
  push: async ({ dir, url, branch, token, expectedRemoteSha }) => {
    await pushBranch({ dir, url, token, branch, expectedRemoteSha, log, cache: cacheFor(dir) });
    return null;
  },
  apiPlan: async ({ dir }) => {
    // Only ever the snapshot that was inspected and scanned: never a fresh look at the tree.
    const snapshot = prepared.get(dir);
    if (!snapshot) throw new WorkspaceError("workspace/commit-refused", "No inspected snapshot to commit: inspect the changes first.");
    return buildApiCommitPlan(dir, snapshot);
  },
  readBlobs: async ({ dir, oids }) => readPlanBlobs(dir, oids, cacheFor(dir)),
  diff: async ({ dir, baseSha }) => {
    const s = settings!;
    const snapshot =
      prepared.get(dir) ??
      (await prepareChanges({
        dir,
        baseRef: baseSha,
        caps: s.workTreeCaps,
        maxFileBytes: s.maxFileBytes,
        nativeGit: await useNativeGit(),
        cache: cacheFor(dir),
      }));
    return renderUnifiedDiff(dir, snapshot.changed, { maxBytes: s.maxDiffBytes, cache: cacheFor(dir) });
  },
  remove: async ({ root }) => {
    // A spare checkout for the next job may still be building: let it finish (bounded) first.
    await settleBackgroundWork();
    await removeTree(root);
    return null;
  },
};

process.on("message", (message: ToWorker) => {
  if (message.type === "init") {
    settings = message.settings;
    return;
  }
  const handler = handlers[message.op] as (args: unknown) => Promise<unknown>;
  handler(message.args).then(
    (value) => send({ type: "result", id: message.id, ok: true, value }),
    (error: unknown) => send({ type: "result", id: message.id, ok: false, error: serializeError(error) }),
  );
});

// The app going away (crash, SIGKILL) closes the IPC channel: nothing is left working alone.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
