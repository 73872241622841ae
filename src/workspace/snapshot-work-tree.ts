/**
 * What the agent left in the work tree, read as hostile input. One walk, in two phases:
 * 1. inventory: `readdir` with file types and `lstat` only (nothing is opened, no symlink is
 *    followed), with caps on entries and bytes checked as it goes, so a tree of 30,000 files or a
 *    giant file stops the walk early instead of filling memory;
 * 2. hashing: each kept file is read once (O_NOFOLLOW, O_NONBLOCK, fstat-checked, capped) to get
 *    its blob id; the caller sees the bytes of files that differ from the base, exactly once.
 * `.gitignore` files and `.git/info/exclude` are read only when they are regular files under
 * 1 MiB, once per directory. FIFOs, sockets, devices, names with control characters or invalid
 * UTF-8 and nested `.git` directories are never opened: they are reported as refused.
 */
import { createHash } from "node:crypto";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { readLinkBytes, readRegularFile } from "../shared/read-regular-file.js";

export interface TreeCaps {
  /** Files (and symlinks) in the tree, tracked or not. */
  maxEntries: number;
  /** Sum of their sizes. */
  maxTotalBytes: number;
}

export const DEFAULT_TREE_CAPS: TreeCaps = { maxEntries: 200_000, maxTotalBytes: 2 * 1024 * 1024 * 1024 };

export interface BaseEntry {
  mode: number;
  oid: string;
}

export interface WorkFile {
  path: string;
  /** 0o100644, 0o100755 or 0o120000. */
  mode: number;
  size: number;
  oid: string;
}

export type RefusalReason = "git-metadata" | "special-file" | "control-characters" | "invalid-utf8" | "too-large" | "unreadable";

export interface RefusedPath {
  /** Display form: control characters escaped, never raw. */
  path: string;
  reason: RefusalReason;
}

export class TreeCapExceeded extends Error {
  constructor(
    readonly what: "entries" | "bytes",
    readonly limit: number,
  ) {
    super(what === "entries" ? `the work tree holds more than ${limit} files` : `the work tree holds more than ${limit} bytes`);
    this.name = "TreeCapExceeded";
  }
}

export interface SnapshotOptions {
  dir: string;
  /** Every file of the base commit (path -> mode, oid). */
  base: ReadonlyMap<string, BaseEntry>;
  caps: TreeCaps;
  /** Largest single file that may be kept (the commit cap). Larger ones are refused. */
  maxFileBytes: number;
  /** Called with the bytes of each file whose content or mode differs from the base. */
  onChanged?: ((file: WorkFile, bytes: Buffer) => Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
  /** The git directory whose `info/exclude` applies, when it is not `dir/.git`. */
  gitdir?: string | undefined;
  /** Further exclude files, lowest precedence first (the CLI: the user's core.excludesFile). */
  excludeFiles?: readonly string[] | undefined;
}

export interface Snapshot {
  /** Every file that belongs in the next commit: tracked ones and untracked ones not ignored. */
  files: Map<string, WorkFile>;
  refused: RefusedPath[];
}

const GITLINK = 0o160000;
const IGNORE_FILE_CAP = 1024 * 1024;
const GIT_DIR_NAME = /^(\.git[. ]*|git~\d+)$/i;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function blobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** Control characters as `\xNN`, so a refused name can be shown without being interpreted. */
export function displayPath(name: string): string {
  // eslint-disable-next-line no-control-regex -- see above
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

interface Pending {
  rel: string;
  kind: "file" | "symlink";
  size: number;
  executable: boolean;
}

export async function snapshotWorkTree(options: SnapshotOptions): Promise<Snapshot> {
  const { dir, base, caps, maxFileBytes, signal } = options;
  const refused: RefusedPath[] = [];
  const trackedDirs = new Set<string>();
  for (const p of base.keys()) {
    for (let d = path.posix.dirname(p); d !== "."; d = path.posix.dirname(d)) trackedDirs.add(d);
  }

  // Phase 1: inventory, lstat only.
  const pending: Pending[] = [];
  let totalBytes = 0;
  const rootRules = ignore();
  // As git: core.excludesFile, then info/exclude, then the .gitignore files (later ones win).
  for (const file of options.excludeFiles ?? []) await addIgnoreFile(rootRules, file, "");
  await addIgnoreFile(rootRules, path.join(options.gitdir ?? path.join(dir, ".git"), "info", "exclude"), "");
  const stack: { rel: string; rules: { prefix: string; ig: Ignore }[] }[] = [{ rel: "", rules: [{ prefix: "", ig: rootRules }] }];
  while (stack.length > 0) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    const { rel, rules: inherited } = stack.pop()!;
    const abs = path.join(dir, rel);
    const dirents = await readdir(abs, { withFileTypes: true, encoding: "buffer" });
    let rules = inherited;
    if (dirents.some((d) => d.name.toString("latin1") === ".gitignore" && d.isFile())) {
      const ig = ignore();
      if (await addIgnoreFile(ig, path.join(abs, ".gitignore"), rel)) rules = [...inherited, { prefix: rel, ig }];
    }
    for (const dirent of dirents) {
      let name: string;
      try {
        name = utf8.decode(dirent.name);
      } catch {
        refused.push({ path: displayPath(path.posix.join(rel, dirent.name.toString("latin1"))), reason: "invalid-utf8" });
        continue;
      }
      const relPath = rel ? `${rel}/${name}` : name;
      if (rel === "" && name === ".git") continue;
      if (CONTROL.test(name)) {
        refused.push({ path: displayPath(relPath), reason: "control-characters" });
        continue;
      }
      if (GIT_DIR_NAME.test(name)) {
        refused.push({ path: relPath, reason: "git-metadata" });
        continue;
      }
      let kind: "dir" | "file" | "symlink" | "special";
      if (dirent.isDirectory()) kind = "dir";
      else if (dirent.isSymbolicLink()) kind = "symlink";
      else if (dirent.isFile()) kind = "file";
      else if (dirent.isFIFO() || dirent.isSocket() || dirent.isBlockDevice() || dirent.isCharacterDevice()) kind = "special";
      else {
        const st = await lstat(path.join(abs, name));
        kind = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "special";
      }
      if (kind === "special") {
        refused.push({ path: relPath, reason: "special-file" });
        continue;
      }
      const tracked = base.has(relPath);
      if (kind === "dir") {
        if (base.get(relPath)?.mode === GITLINK) continue; // a submodule's checkout is not ours to read
        if (!trackedDirs.has(relPath) && isIgnored(rules, relPath, true)) continue;
        stack.push({ rel: relPath, rules });
        continue;
      }
      if (!tracked && isIgnored(rules, relPath, false)) continue;
      const st = await lstat(path.join(abs, name));
      pending.push({ rel: relPath, kind, size: st.size, executable: kind === "file" && (st.mode & 0o111) !== 0 });
      totalBytes += st.size;
      if (pending.length > caps.maxEntries) throw new TreeCapExceeded("entries", caps.maxEntries);
      if (totalBytes > caps.maxTotalBytes) throw new TreeCapExceeded("bytes", caps.maxTotalBytes);
    }
  }

  // Phase 2: hash what is kept.
  const files = new Map<string, WorkFile>();
  for (const p of pending) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    const full = path.join(dir, p.rel);
    let bytes: Buffer;
    let mode: number;
    if (p.kind === "symlink") {
      bytes = await readLinkBytes(full);
      mode = 0o120000;
    } else {
      if (p.size > maxFileBytes) {
        refused.push({ path: p.rel, reason: "too-large" });
        continue;
      }
      const read = await readRegularFile(full, maxFileBytes);
      if (!read.ok) {
        if (read.reason === "missing") continue;
        refused.push({ path: p.rel, reason: read.reason === "too-large" ? "too-large" : read.reason === "not-regular" ? "special-file" : "unreadable" });
        continue;
      }
      bytes = read.bytes;
      mode = p.executable ? 0o100755 : 0o100644;
    }
    const file: WorkFile = { path: p.rel, mode, size: bytes.byteLength, oid: blobOid(bytes) };
    files.set(p.rel, file);
    const before = base.get(p.rel);
    if (options.onChanged && (!before || before.oid !== file.oid || before.mode !== file.mode)) await options.onChanged(file, bytes);
  }
  // Submodules stay exactly as the base had them.
  for (const [p, entry] of base) if (entry.mode === GITLINK && !files.has(p)) files.set(p, { path: p, mode: GITLINK, size: 0, oid: entry.oid });
  refused.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, refused };
}

function isIgnored(rules: readonly { prefix: string; ig: Ignore }[], relPath: string, isDir: boolean): boolean {
  // Later (deeper) files override earlier ones, as in git; `ignore` handles negation within one file.
  let ignored = false;
  for (const { prefix, ig } of rules) {
    const local = prefix ? relPath.slice(prefix.length + 1) : relPath;
    const result = ig.test(isDir ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/** Add the patterns of an ignore file that is a regular file under the cap; anything else is skipped. */
async function addIgnoreFile(ig: Ignore, file: string, _rel: string): Promise<boolean> {
  const read = await readRegularFile(file, IGNORE_FILE_CAP).catch(() => null);
  if (!read?.ok) return false;
  ig.add(read.bytes.toString("utf8"));
  return true;
}
