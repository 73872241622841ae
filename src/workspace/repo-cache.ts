/**
 * A per-repository object cache under `<dataDir>/repo-cache/`, used with the machine's git:
 * each entry is a bare repository holding only packs (fetch.unpackLimit=1). A job fetches what
 * changed into its entry, then gets a workspace whose packs are hardlinks of the entry's (no copy)
 * and checks out natively.
 *
 * - Keyed by sha256(installation scope + clone URL): entries never mix repositories or
 *   installations, and every job fetches with its own token before the entry is used, so a job
 *   only ever reads objects of a repository its token could fetch.
 * - Concurrency: one lock file per entry (O_EXCL, owner pid/host/time, heartbeat; a dead or stale
 *   owner's lock is broken), held while fetching and while hardlinking into a workspace. Processes
 *   sharing the data dir use the same locks.
 * - Integrity: every pack and index is checked against its trailing SHA-1 before it is used; a
 *   corrupt or half-written entry is deleted and fetched again, never trusted.
 * - Size: entries are evicted least-recently-used (by the mtime of `last-used`) above the
 *   operator's cap, skipping entries another job holds.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, copyFile, mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CancelledError } from "../shared/errors.js";
import { WorkspaceError } from "./errors.js";
import { runGit } from "./native-git.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";

export interface RepoCacheSettings {
  /** `<dataDir>/repo-cache` */
  root: string;
  /** Evict down to this many bytes after each use; 0 disables the cache (fetch straight into the workspace). */
  maxBytes: number;
  /** How long to wait for another job's lock on the same entry. Default 10 minutes. */
  lockWaitMs?: number;
}

export function cacheKey(scope: string, url: string): string {
  const canonical = new URL(url);
  canonical.hash = "";
  canonical.search = "";
  const normalized = `${canonical.protocol}//${canonical.host.toLowerCase()}${canonical.pathname.replace(/\.git$/, "").replace(/\/+$/, "")}`;
  return createHash("sha256").update(`${scope}\n${normalized}`).digest("hex").slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// Locks

const STALE_MS = 10 * 60_000;
const HEARTBEAT_MS = 60_000;

export interface HeldLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function lockIsStale(file: string): Promise<boolean> {
  const [text, st] = await Promise.all([readFile(file, "utf8").catch(() => ""), stat(file).catch(() => null)]);
  if (!st) return false;
  const [pid, host] = text.split(" ");
  if (host === os.hostname() && pid && !alive(Number(pid))) return true;
  return Date.now() - st.mtimeMs > STALE_MS;
}

export async function tryLock(file: string): Promise<HeldLock | null> {
  let handle;
  try {
    handle = await open(file, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (!(await lockIsStale(file))) return null;
    // Break a dead owner's lock by renaming it away first: of two breakers only one rename wins.
    const aside = `${file}.stale-${randomBytes(4).toString("hex")}`;
    try {
      await rename(file, aside);
    } catch {
      return null;
    }
    await rm(aside, { force: true });
    return tryLock(file);
  }
  await handle.writeFile(`${process.pid} ${os.hostname()} ${Date.now()}`);
  await handle.close();
  const beat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(beat);
      await rm(file, { force: true });
    },
  };
}

export async function acquireLock(file: string, waitMs: number, signal?: AbortSignal): Promise<HeldLock> {
  const deadline = Date.now() + waitMs;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (signal?.aborted) throw new CancelledError();
    const lock = await tryLock(file);
    if (lock) return lock;
    if (Date.now() > deadline)
      throw new WorkspaceError("workspace/clone", "Timed out waiting for another job to finish with this repository's cache.", { retryable: true });
    await new Promise((r) => setTimeout(r, delay));
  }
}

// ---------------------------------------------------------------------------------------------
// Integrity

async function sha1OfFile(file: string, endOffset: number): Promise<string> {
  const hash = createHash("sha1");
  if (endOffset > 0) {
    for await (const chunk of createReadStream(file, { start: 0, end: endOffset - 1 })) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

async function trailer(file: string, size: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(20);
    await handle.read(buf, 0, 20, size - 20);
    return buf.toString("hex");
  } finally {
    await handle.close();
  }
}

/** Each `pack-<sha>.pack` ends with the SHA-1 of its content, and its `.idx` names the same sha. */
export async function verifyPack(packPath: string): Promise<boolean> {
  try {
    const name = /pack-([0-9a-f]{40})\.pack$/.exec(packPath)?.[1];
    const idxPath = packPath.replace(/\.pack$/, ".idx");
    const [ps, is] = await Promise.all([stat(packPath), stat(idxPath)]);
    if (ps.size < 32 || is.size < 40) return false;
    const packSum = await trailer(packPath, ps.size);
    if (name && packSum !== name) return false;
    if ((await sha1OfFile(packPath, ps.size - 20)) !== packSum) return false;
    const idx = await readFile(idxPath);
    if (idx.subarray(idx.length - 40, idx.length - 20).toString("hex") !== packSum) return false;
    return (
      createHash("sha1")
        .update(idx.subarray(0, idx.length - 20))
        .digest("hex") === idx.subarray(idx.length - 20).toString("hex")
    );
  } catch {
    return false;
  }
}

export async function listPacks(gitDir: string): Promise<string[]> {
  const dir = path.join(gitDir, "objects", "pack");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".pack") && !n.startsWith("tmp")).map((n) => path.join(dir, n));
}

// ---------------------------------------------------------------------------------------------
// Entries

export interface CacheEntry {
  key: string;
  dir: string;
  gitDir: string;
  lockFile: string;
}

export function entryFor(settings: RepoCacheSettings, key: string): CacheEntry {
  const dir = path.join(settings.root, key);
  return { key, dir, gitDir: path.join(dir, "git"), lockFile: path.join(settings.root, `${key}.lock`) };
}

/**
 * Packs already verified, by identity (size, mtime, inode): a pack is hashed in full once, and again
 * whenever any of these change. Corruption that keeps all three (bit rot) is still caught: git
 * fails to inflate the object at checkout, and the clone then drops the entry and refetches.
 */
type VerifiedPacks = Record<string, string>;

function packIdentity(st: { size: number; mtimeMs: number; ino: number }): string {
  return `${st.size}:${Math.round(st.mtimeMs)}:${st.ino}`;
}

async function verifyPacks(entry: CacheEntry, packs: readonly string[]): Promise<boolean[]> {
  const file = path.join(entry.dir, "verified.json");
  const known = (JSON.parse(await readFile(file, "utf8").catch(() => "{}")) ?? {}) as VerifiedPacks;
  const next: VerifiedPacks = {};
  const results: boolean[] = [];
  for (const pack of packs) {
    const name = path.basename(pack);
    const [ps, is] = await Promise.all([stat(pack).catch(() => null), stat(pack.replace(/\.pack$/, ".idx")).catch(() => null)]);
    const identity = ps && is ? `${packIdentity(ps)}/${packIdentity(is)}` : "";
    const ok = identity !== "" && (known[name] === identity || (await verifyPack(pack)));
    if (ok) next[name] = identity;
    results.push(ok);
  }
  await writeFile(file, JSON.stringify(next)).catch(() => undefined);
  return results;
}

/** Make sure the entry holds a valid bare repository; anything corrupt is removed and re-created. */
export async function ensureEntry(entry: CacheEntry, meta: { url: string; scope: string }, log: WorkspaceLog = silentLog): Promise<void> {
  const head = await stat(path.join(entry.gitDir, "HEAD")).catch(() => null);
  if (head) {
    const packs = await listPacks(entry.gitDir);
    const checks = await verifyPacks(entry, packs);
    if (checks.every(Boolean)) return;
    log.warn({ cache: entry.key, corrupt: packs.filter((_, i) => !checks[i]).map((p) => path.basename(p)) }, "repository cache entry corrupt: refetching");
  }
  await rm(entry.dir, { recursive: true, force: true });
  await mkdir(entry.dir, { recursive: true, mode: 0o700 });
  const tmp = `${entry.gitDir}.tmp-${randomBytes(4).toString("hex")}`;
  await runGit(["init", "-q", "--bare", tmp]);
  await rename(tmp, entry.gitDir);
  await writeFile(path.join(entry.dir, "meta.json"), JSON.stringify({ url: meta.url, scope: meta.scope, created: new Date().toISOString() }));
}

export async function touchEntry(entry: CacheEntry): Promise<void> {
  const file = path.join(entry.dir, "last-used");
  await writeFile(file, "").catch(() => undefined);
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}

export async function dropEntry(entry: CacheEntry): Promise<void> {
  await rm(entry.dir, { recursive: true, force: true });
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const d of names) {
    const full = path.join(dir, d.name);
    // A spare checkout is counted from the size recorded when it was built, not walked file by file.
    if (d.isDirectory() && (d.name === "spare" || d.name.startsWith("spare.tmp-"))) continue;
    if (d.isDirectory()) total += await dirBytes(full);
    else if (d.isFile()) total += (await stat(full).catch(() => ({ size: 0 }))).size;
  }
  const spare = Number((await readFile(path.join(dir, "spare-bytes"), "utf8").catch(() => "0")).trim());
  return total + (Number.isFinite(spare) ? spare : 0);
}

/** Evict least-recently-used entries (not locked by anyone) until the cache fits `maxBytes`. */
export async function evict(settings: RepoCacheSettings, log: WorkspaceLog = silentLog): Promise<string[]> {
  const names = (await readdir(settings.root, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory() && /^[0-9a-f]{40}$/.test(d.name))
    .map((d) => d.name);
  const entries = await Promise.all(
    names.map(async (key) => {
      const entry = entryFor(settings, key);
      const used = await stat(path.join(entry.dir, "last-used")).catch(() => stat(entry.dir));
      return { entry, used: used.mtimeMs, bytes: await dirBytes(entry.dir) };
    }),
  );
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const evicted: string[] = [];
  for (const e of entries.sort((a, b) => a.used - b.used)) {
    if (total <= settings.maxBytes) break;
    const lock = await tryLock(e.entry.lockFile);
    if (!lock) continue;
    try {
      await dropEntry(e.entry);
      total -= e.bytes;
      evicted.push(e.entry.key);
    } finally {
      await lock.release();
    }
  }
  if (evicted.length > 0) log.info({ evicted: evicted.length, bytes: total }, "repository cache evicted");
  return evicted;
}

/** Hardlink (or copy across file systems) every pack of the entry into a workspace's object store. */
export async function linkPacks(fromGitDir: string, toGitDir: string): Promise<void> {
  const target = path.join(toGitDir, "objects", "pack");
  await mkdir(target, { recursive: true });
  for (const pack of await listPacks(fromGitDir)) {
    for (const file of [pack, pack.replace(/\.pack$/, ".idx")]) {
      const dest = path.join(target, path.basename(file));
      await link(file, dest).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return;
        await copyFile(file, dest);
      });
    }
  }
  const shallow = await readFile(path.join(fromGitDir, "shallow")).catch(() => null);
  if (shallow) await writeFile(path.join(toGitDir, "shallow"), shallow);
}
