/**
 * Per-job scratch workspaces: `<dataDir>/workspaces/<jobId>-<random>/{repo,scratch}`, mode 0700,
 * always removed when the job ends. `repo/` is the checkout; `scratch/` is for the sandbox's
 * private HOME and /tmp. A crashed process leaves directories behind; `sweepOrphanWorkspaces`
 * removes them at start-up.
 */
import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { CancelledError } from "../shared/errors.js";

export interface Workspace {
  /** Directory name under `workspaces/`: `<jobId>-<random>`. */
  id: string;
  jobId: string;
  /** `<dataDir>/workspaces/<id>` */
  root: string;
  /** The checkout. */
  repoDir: string;
  /** Private HOME and /tmp for the sandbox. */
  scratchDir: string;
}

const RANDOM_SUFFIX = /-[0-9a-f]{12}$/;

export function workspacesRoot(dataDir: string): string {
  return path.join(dataDir, "workspaces");
}

/** Job ids come from the queue; keep only characters safe in one path component. */
function safeJobId(jobId: string): string {
  const cleaned = jobId
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/^\.+/, "")
    .slice(0, 80);
  return cleaned || "job";
}

export async function createWorkspace(dataDir: string, jobId: string): Promise<Workspace> {
  const parent = workspacesRoot(dataDir);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  await chmod(parent, 0o700);
  const safe = safeJobId(jobId);
  const id = `${safe}-${randomBytes(6).toString("hex")}`;
  const root = path.join(parent, id);
  // Not recursive: fails if the name exists, so two jobs can never share a directory.
  await mkdir(root, { mode: 0o700 });
  await chmod(root, 0o700); // mkdir's mode is filtered by the umask
  const ws: Workspace = { id, jobId: safe, root, repoDir: path.join(root, "repo"), scratchDir: path.join(root, "scratch") };
  await mkdir(ws.repoDir, { mode: 0o700 });
  await mkdir(ws.scratchDir, { mode: 0o700 });
  await chmod(ws.repoDir, 0o700);
  await chmod(ws.scratchDir, 0o700);
  return ws;
}

/**
 * Remove a directory tree even if code in the sandbox made parts of it read-only (chmod 0500 on a
 * directory stops an unprivileged owner from deleting its children). Symlinks are never followed.
 */
export async function removeTree(target: string): Promise<void> {
  try {
    await rm(target, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM") throw error;
  }
  await makeWritable(target);
  await rm(target, { recursive: true, force: true, maxRetries: 2 });
}

async function makeWritable(target: string): Promise<void> {
  const stat = await lstat(target).catch(() => undefined);
  if (!stat?.isDirectory()) return;
  await chmod(target, 0o700);
  for (const name of await readdir(target)) await makeWritable(path.join(target, name));
}

export async function removeWorkspace(ws: Workspace): Promise<void> {
  await removeTree(ws.root);
}

/**
 * Run `fn` with a fresh workspace and remove it afterwards, whether `fn` returns, throws or is
 * cancelled. Removal waits for `fn` to settle, so nothing is still writing into the tree.
 */
export async function withWorkspace<T>(dataDir: string, jobId: string, fn: (ws: Workspace) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
  if (options.signal?.aborted) throw new CancelledError();
  const ws = await createWorkspace(dataDir, jobId);
  try {
    return await fn(ws);
  } finally {
    await removeWorkspace(ws);
  }
}

export interface SweepOptions {
  /** Only remove workspaces whose directory is older than this (by mtime). Default 0: all. */
  olderThanMs?: number;
  /** Job ids (or workspace ids) still running in this process or another worker: kept. */
  activeIds?: Iterable<string>;
  now?: number;
}

/** Remove workspaces left behind by a crashed process; returns the ids removed. */
export async function sweepOrphanWorkspaces(dataDir: string, options: SweepOptions = {}): Promise<string[]> {
  const parent = workspacesRoot(dataDir);
  const { olderThanMs = 0, now = Date.now() } = options;
  const active = new Set([...(options.activeIds ?? [])].map((id) => (RANDOM_SUFFIX.test(id) ? id : safeJobId(id))));
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const jobId = name.replace(RANDOM_SUFFIX, "");
    if (active.has(name) || active.has(jobId)) continue;
    const stat = await lstat(path.join(parent, name)).catch(() => undefined);
    if (!stat || now - stat.mtimeMs < olderThanMs) continue;
    await removeTree(path.join(parent, name));
    removed.push(name);
  }
  return removed;
}
