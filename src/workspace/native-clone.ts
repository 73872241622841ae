/**
 * Clone with the machine's git through the repository cache (repo-cache.ts): fetch what changed
 * into the cache entry, check the expanded tree against the caps before anything is written to
 * the work tree, hardlink the packs into the workspace and check out natively. Without a cache
 * (cap 0) the same steps fetch straight into the workspace.
 *
 * Same result and errors as the isomorphic-git `cloneRepo`; the download cap is enforced by
 * watching the pack git is receiving and killing git when it passes the cap.
 */
import { chmod, lstat, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { CancelledError } from "../shared/errors.js";
import type { CloneRepoOptions, CloneResult, ExpandedTreeCaps } from "./clone-types.js";
import { WorkspaceError } from "./errors.js";
import { assertCredentialFreeUrl } from "./git-auth.js";
import { describeUrl } from "./git-errors.js";
import { NativeGitError, runGit } from "./native-git.js";
import {
  acquireLock,
  cacheKey,
  dropEntry,
  ensureEntry,
  entryFor,
  evict,
  linkPacks,
  listPacks,
  touchEntry,
  type CacheEntry,
  type HeldLock,
  type RepoCacheSettings,
} from "./repo-cache.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";

export interface NativeCloneOptions extends CloneRepoOptions {
  /** Who may share cache entries: the installation (`installation:<id>`). */
  scope: string;
  /** null: no cache, fetch straight into the workspace. */
  repoCache: RepoCacheSettings | null;
  treeCaps: ExpandedTreeCaps;
}

const MB = 1024 * 1024;

function tooLarge(message: string, userMessage: string): WorkspaceError {
  return new WorkspaceError("workspace/too-large", message, { userMessage });
}

/** Translate a failed git fetch into the workspace's typed errors (the token is already redacted). */
function translateFetchError(error: unknown, url: string, ref: string): Error {
  if (error instanceof WorkspaceError || error instanceof CancelledError) return error;
  const where = describeUrl(url);
  const text = error instanceof NativeGitError ? error.stderr : String((error as Error)?.message ?? error);
  if (/returned error: (401|403)|Authentication failed|could not read (Username|Password)|terminal prompts disabled/i.test(text)) {
    return new WorkspaceError("workspace/auth", `Authentication to ${where} failed: the installation token was rejected.`, {
      userMessage: "The app could not authenticate to the repository's git server. The installation may lack access to this repository.",
    });
  }
  if (/returned error: 404|repository '.*' not found/i.test(text)) {
    return new WorkspaceError("workspace/not-found", `Repository ${where} was not found (HTTP 404).`, {
      userMessage: "The repository could not be found: it may have been deleted or the app lost access to it.",
    });
  }
  if (/couldn't find remote ref|no such ref|not our ref/i.test(text)) {
    return new WorkspaceError("workspace/not-found", `Ref ${ref} was not found in ${where}.`, {
      userMessage: `The branch or ref \`${ref}\` does not exist on the remote any more.`,
    });
  }
  const retryable = /Could not resolve host|Connection refused|timed out|Connection reset|returned error: 5\d\d|early EOF|RPC failed/i.test(text);
  return new WorkspaceError("workspace/clone", `git fetch of ${where} failed: ${text.trim().split("\n").slice(-2).join(" | ").slice(0, 500)}`, {
    retryable,
    userMessage: retryable ? "A network error interrupted the git fetch; it will be retried." : undefined,
  });
}

async function packBytes(gitDir: string, prefix: string): Promise<number> {
  const dir = path.join(gitDir, "objects", "pack");
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) total += (await stat(path.join(dir, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function resolveRemoteRef(url: string, ref: string | undefined, token: string | undefined, signal: AbortSignal | undefined): Promise<string> {
  if (ref?.startsWith("refs/")) return ref;
  if (ref) return `refs/heads/${ref}`;
  const { stdout } = await runGit(["ls-remote", "--symref", url, "HEAD"], { token, signal, timeoutMs: 120_000 });
  const match = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(stdout.toString());
  if (!match) throw new WorkspaceError("workspace/clone", `The remote ${describeUrl(url)} is empty or has no default branch: nothing to clone.`);
  return match[1]!;
}

async function fetchInto(gitDir: string, o: NativeCloneOptions, remoteRef: string, localRef: string): Promise<number> {
  const { url, token, depth = 1, maxBytes = Number.POSITIVE_INFINITY, signal } = o;
  const before = new Set(await listPacks(gitDir));
  const shallow = await stat(path.join(gitDir, "shallow")).catch(() => null);
  const depthArgs = depth > 0 ? [`--depth=${depth}`] : shallow ? ["--unshallow"] : [];
  const watch = new AbortController();
  let over = false;
  const onAbort = (): void => watch.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setInterval(() => {
    void packBytes(gitDir, "tmp_pack_").then((bytes) => {
      if (bytes > maxBytes) {
        over = true;
        watch.abort();
      }
    });
  }, 50);
  try {
    await runGit(
      ["--git-dir", gitDir, "fetch", "-q", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", ...depthArgs, url, `+${remoteRef}:${localRef}`],
      {
        token,
        signal: watch.signal,
        timeoutMs: 30 * 60_000,
      },
    );
  } catch (error) {
    if (over) throw tooLargeDownload(maxBytes);
    if (signal?.aborted) throw new CancelledError();
    throw translateFetchError(error, url, remoteRef);
  } finally {
    clearInterval(timer);
    signal?.removeEventListener("abort", onAbort);
  }
  let received = 0;
  for (const pack of await listPacks(gitDir)) if (!before.has(pack)) received += (await stat(pack)).size;
  if (received > maxBytes) throw tooLargeDownload(maxBytes);
  return received;
}

function tooLargeDownload(maxBytes: number): WorkspaceError {
  const mb = Math.round(maxBytes / MB);
  return tooLarge(
    `The repository exceeds the size cap of ${mb} MB; the fetch was stopped.`,
    `The repository is larger than this app's limit of ${mb} MB, so it was not cloned. The operator can raise AGENT_MAX_REPO_MB.`,
  );
}

/** Check what a checkout would write, from the object store alone, before writing any of it. */
export async function checkExpandedTree(gitDir: string, sha: string, caps: ExpandedTreeCaps): Promise<{ entries: number; bytes: number }> {
  const { stdout } = await runGit(["--git-dir", gitDir, "ls-tree", "-r", "-l", "-z", "--full-tree", sha], { maxStdoutBytes: 1024 * MB });
  let entries = 0;
  let bytes = 0;
  for (const record of stdout.toString("utf8").split("\0")) {
    if (!record) continue;
    const meta = record.slice(0, record.indexOf("\t")).split(/ +/);
    if (meta[1] !== "blob") continue;
    const size = Number(meta[3]);
    entries += 1;
    bytes += size;
    if (size > caps.maxBlobBytes) {
      const name = record.slice(record.indexOf("\t") + 1);
      throw tooLarge(
        `A file of the repository (${JSON.stringify(name).slice(0, 200)}) is ${size} bytes, over the ${caps.maxBlobBytes}-byte cap; nothing was checked out.`,
        `The repository contains a file larger than this app's limit of ${Math.round(caps.maxBlobBytes / MB)} MB, so it was not checked out. The operator can raise AGENT_MAX_BLOB_MB.`,
      );
    }
    if (entries > caps.maxEntries) {
      throw tooLarge(
        `The repository has more than ${caps.maxEntries} files; nothing was checked out.`,
        `The repository has more files than this app's limit of ${caps.maxEntries}. The operator can raise AGENT_MAX_TREE_FILES.`,
      );
    }
    if (bytes > caps.maxTotalBytes) {
      const mb = Math.round(caps.maxTotalBytes / MB);
      throw tooLarge(
        `The repository expands to more than ${mb} MB; nothing was checked out.`,
        `The repository's files add up to more than this app's limit of ${mb} MB. The operator can raise AGENT_MAX_TREE_MB.`,
      );
    }
  }
  return { entries, bytes };
}

export async function cloneNative(o: NativeCloneOptions): Promise<CloneResult> {
  return cloneNativeOnce(o, false);
}

async function cloneNativeOnce(o: NativeCloneOptions, retried: boolean): Promise<CloneResult> {
  const { dir, url, token, signal, log = silentLog } = o;
  assertCredentialFreeUrl(url);
  if (signal?.aborted) throw new CancelledError();
  const started = Date.now();
  const where = describeUrl(url);
  log.info({ url: where, ref: o.ref ?? "(default)", depth: o.depth ?? 1, cache: o.repoCache ? "on" : "off" }, "clone started");
  let lock: HeldLock | undefined;
  const entry = o.repoCache ? entryFor(o.repoCache, cacheKey(o.scope, url)) : undefined;
  try {
    const remoteRef = await resolveRemoteRef(url, o.ref, token, signal).catch((e: unknown) => {
      throw translateFetchError(e, url, o.ref ?? "HEAD");
    });
    const localRef = `refs/cache/${remoteRef.slice("refs/".length)}`;
    await runGit(["init", "-q", "--template=", dir]);
    const workGitDir = path.join(dir, ".git");
    let gitDir = workGitDir;
    let warm = false;
    const phases: Record<string, number> = {};
    let mark = Date.now();
    const phase = (name: string): void => {
      const now = Date.now();
      phases[name] = now - mark;
      mark = now;
    };
    if (entry && o.repoCache) {
      lock = await acquireLock(entry.lockFile, o.repoCache.lockWaitMs ?? 10 * 60_000, signal);
      phase("lock");
      await ensureEntry(entry, { url: where, scope: o.scope }, log);
      warm = (await listPacks(entry.gitDir)).length > 0;
      gitDir = entry.gitDir;
      phase("verify");
    }
    const received = await fetchInto(gitDir, o, remoteRef, localRef);
    phase("fetch");
    const headSha = (await runGit(["--git-dir", gitDir, "rev-parse", "--verify", `${localRef}^{commit}`])).stdout.toString().trim();
    const expanded = await checkExpandedTree(gitDir, headSha, o.treeCaps);
    phase("caps");
    let reused = false;
    if (entry) {
      if ((await listPacks(entry.gitDir)).length > 24) await runGit(["--git-dir", entry.gitDir, "repack", "-a", "-d", "-q"]);
      // A spare checkout prepared after the previous job (never touched by an agent): moving it in
      // and checking out the new commit writes only the files that changed.
      reused = await takeSpareCheckout(entry, dir);
      await linkPacks(entry.gitDir, workGitDir);
      await touchEntry(entry);
      await lock?.release();
      lock = undefined;
      phase("link");
    }
    const branch = remoteRef.startsWith("refs/heads/") ? remoteRef.slice("refs/heads/".length) : null;
    if (reused) await runGit(["remote", "remove", "origin"], { cwd: dir }).catch(() => undefined);
    await runGit(["remote", "add", "origin", url], { cwd: dir });
    if (branch) {
      await runGit(["update-ref", `refs/heads/${branch}`, headSha], { cwd: dir });
      await runGit(["symbolic-ref", "HEAD", `refs/heads/${branch}`], { cwd: dir });
    } else {
      await runGit(["update-ref", "--no-deref", "HEAD", headSha], { cwd: dir });
    }
    if (entry) await runGit(["update-ref", localRef, headSha], { cwd: dir });
    await runGit(["reset", "-q", "--hard", "HEAD"], { cwd: dir, signal, timeoutMs: 30 * 60_000 });
    phase("checkout");
    const result: CloneResult = { headSha, fetchedRef: remoteRef, branch, defaultBranch: o.ref === undefined ? branch : null, receivedBytes: received };
    log.info({ url: where, ref: remoteRef, headSha, bytes: received, warm, reusedCheckout: reused, ms: Date.now() - started, phases }, "clone finished");
    // The next job on this repository gets a checkout ready to move in (built in the background).
    if (entry) refillSpareCheckout(entry, headSha, expanded.bytes, log);
    // Off the critical path, but finished before the worker ends (settleBackgroundWork).
    if (o.repoCache) inBackground(evict(o.repoCache, log).then(() => undefined));
    return result;
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    if (entry && !retried && mayBeCacheDamage(error)) {
      // Objects that passed the pack checksums but cannot be read (or a fetch git refused over
      // them): never trust the entry again; drop it and start cold, once.
      await lock?.release();
      lock = undefined;
      log.warn({ cache: entry.key }, "repository cache entry unusable: refetching");
      const dropLock = await acquireLock(entry.lockFile, o.repoCache?.lockWaitMs ?? 10 * 60_000, signal);
      try {
        await dropEntry(entry);
      } finally {
        await dropLock.release();
      }
      await emptyDir(dir);
      return cloneNativeOnce(o, true);
    }
    const translated = error instanceof WorkspaceError || error instanceof CancelledError ? error : translateFetchError(error, url, o.ref ?? "HEAD");
    log.warn({ url: where, ref: o.ref ?? "(default)", code: (translated as WorkspaceError).code }, "clone failed");
    throw translated;
  } finally {
    await lock?.release();
  }
}

const spareDirOf = (entry: CacheEntry): string => path.join(entry.dir, "spare");

/** Move the entry's spare checkout to `dir` (under the entry's lock); false when there is none. */
async function takeSpareCheckout(entry: CacheEntry, dir: string): Promise<boolean> {
  const spare = spareDirOf(entry);
  const st = await lstat(path.join(spare, ".git")).catch(() => null);
  if (!st?.isDirectory()) return false;
  await rm(dir, { recursive: true, force: true });
  try {
    await rename(spare, dir);
    await chmod(dir, 0o700); // a workspace is private, as createWorkspace made the directory it replaced
    return true;
  } catch {
    await runGit(["init", "-q", "--template=", dir]);
    return false;
  }
}

/**
 * Build a fresh spare checkout of `sha` beside the entry, without holding its lock: in a temporary
 * directory renamed into place when complete, so a worker killed half-way leaves nothing usable
 * (leftovers are removed by the next refill). Best effort: a failure only costs the next job time.
 */
const backgroundWork = new Set<Promise<void>>();

function inBackground(work: Promise<void>): void {
  const tracked = work.catch(() => undefined);
  backgroundWork.add(tracked);
  void tracked.finally(() => backgroundWork.delete(tracked));
}

/** Wait (bounded) for spare checkouts still being built, before the worker ends. */
export async function settleBackgroundWork(timeoutMs = 60_000): Promise<void> {
  if (backgroundWork.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...backgroundWork]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}

function refillSpareCheckout(entry: CacheEntry, sha: string, treeBytes: number, log: WorkspaceLog): void {
  const tmp = path.join(entry.dir, `spare.tmp-${process.pid}-${Date.now()}`);
  const work = (async () => {
    for (const name of await readdir(entry.dir).catch(() => [] as string[])) {
      if (name.startsWith("spare.tmp-")) await rm(path.join(entry.dir, name), { recursive: true, force: true }).catch(() => undefined);
    }
    if (await lstat(spareDirOf(entry)).catch(() => null)) return;
    await runGit(["init", "-q", "--template=", tmp]);
    await linkPacks(entry.gitDir, path.join(tmp, ".git"));
    await runGit(["update-ref", "--no-deref", "HEAD", sha], { cwd: tmp });
    await runGit(["reset", "-q", "--hard", "HEAD"], { cwd: tmp, timeoutMs: 30 * 60_000 });
    await writeFile(path.join(entry.dir, "spare-bytes"), String(treeBytes));
    await rename(tmp, spareDirOf(entry)).catch(() => rm(tmp, { recursive: true, force: true }));
  })().catch(async (error: unknown) => {
    log.debug({ cache: entry.key, err: String((error as Error)?.message ?? error) }, "spare checkout not prepared");
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  });
  backgroundWork.add(work);
  void work.finally(() => backgroundWork.delete(work));
}

/** Errors a damaged cache entry can cause; auth, missing refs, caps and cancellation are not among them. */
function mayBeCacheDamage(error: unknown): boolean {
  if (error instanceof CancelledError) return false;
  if (error instanceof WorkspaceError) return error.code === "workspace/clone" && !error.retryable;
  return true;
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(path.join(dir, name), { recursive: true, force: true });
}
