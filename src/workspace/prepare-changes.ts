/**
 * The one post-run look at the agent's work: snapshot the tree (hostile-tree rules, caps), write
 * the blobs of changed files into the object store, and scan exactly those bytes for secrets
 * before anything is committed. The commit is later built from this snapshot's blob ids, so what
 * was scanned is byte for byte what gets pushed, even if the tree changes in between.
 *
 * The scan reads each changed file whole (up to the commit cap), decoded as UTF-8 with replacement
 * characters: a stray invalid byte or a NUL does not make a file "binary" and unscanned. It checks
 * the lines the file has that the base version did not (a multiset difference: cheap on huge files
 * and never misses a moved or duplicated line).
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { listBaseTree } from "./base-tree.js";
import { classify, type ChangedFile } from "./changed-files.js";
import type { ComparedEntry } from "./compare-work-tree.js";
import { WorkspaceError } from "./errors.js";
import { snapshotWorkTree, TreeCapExceeded, type RefusedPath, type Snapshot, type TreeCaps, type WorkFile } from "./snapshot-work-tree.js";

export interface SecretHit {
  path: string;
  line: number;
  title: string;
  /** A credential's format with a made-up value (the scan's placeholder tier): reported, but never stops a push on its own. */
  placeholder?: boolean;
}

export type LineScanner = (path: string, lines: readonly { line: number; text: string }[]) => Promise<readonly SecretHit[]>;

export interface PrepareOptions {
  dir: string;
  /** Commit to compare with (the clone's head). */
  baseRef: string;
  caps: TreeCaps;
  maxFileBytes: number;
  nativeGit: boolean;
  /** Secret scanner for added lines; omitted: no scan (tests of the walk alone). */
  scan?: LineScanner | undefined;
  signal?: AbortSignal | undefined;
  cache?: object | undefined;
  /** The object store, when it is not `dir/.git` (the CLI on a linked worktree: the common dir). */
  gitdir?: string | undefined;
  /** Extra exclude files for untracked paths (see SnapshotOptions.excludeFiles). */
  excludeFiles?: readonly string[] | undefined;
}

export interface PreparedChanges {
  baseSha: string;
  changed: ChangedFile[];
  refused: RefusedPath[];
  secretHits: SecretHit[];
  /** Files the scan could not read to the end: never pushed. */
  unscanned: string[];
  snapshot: Snapshot;
}

const decoder = new TextDecoder("utf-8"); // not fatal: invalid bytes become U+FFFD and the rest is still scanned

export function addedLineList(oldText: string, newText: string): { line: number; text: string }[] {
  const seen = new Map<string, number>();
  if (oldText) for (const line of oldText.split("\n")) seen.set(line, (seen.get(line) ?? 0) + 1);
  const out: { line: number; text: string }[] = [];
  const lines = newText.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((text, i) => {
    const left = seen.get(text) ?? 0;
    if (left > 0) seen.set(text, left - 1);
    else out.push({ line: i + 1, text });
  });
  return out;
}

export async function prepareChanges(options: PrepareOptions): Promise<PreparedChanges> {
  const { dir, caps, maxFileBytes, signal, scan } = options;
  const cache = options.cache ?? {};
  const gitdir = options.gitdir === undefined ? {} : { gitdir: options.gitdir };
  const baseSha = await git.resolveRef({ fs, dir, ...gitdir, ref: options.baseRef }).catch(() => options.baseRef);
  const base = await listBaseTree(dir, baseSha, { nativeGit: options.nativeGit, cache, ...gitdir });
  const secretHits: SecretHit[] = [];
  const unscanned: string[] = [];

  const onChanged = async (file: WorkFile, bytes: Buffer): Promise<void> => {
    if (file.mode === 0o160000) return;
    await git.writeBlob({ fs, dir, ...gitdir, blob: bytes });
    if (!scan || file.mode === 0o120000) return;
    const before = base.get(file.path);
    let oldText = "";
    if (before && before.mode !== 0o160000) {
      try {
        oldText = decoder.decode((await git.readBlob({ fs, dir, ...gitdir, cache, oid: before.oid })).blob);
      } catch {
        oldText = ""; // unknown base content: scan every line
      }
    }
    try {
      secretHits.push(...(await scan(file.path, addedLineList(oldText, decoder.decode(bytes)))));
    } catch {
      unscanned.push(file.path);
    }
  };

  let snapshot: Snapshot;
  try {
    snapshot = await snapshotWorkTree({ dir, base, caps, maxFileBytes, onChanged, signal, gitdir: options.gitdir, excludeFiles: options.excludeFiles });
  } catch (error) {
    if (!(error instanceof TreeCapExceeded)) throw error;
    const what = error.what === "entries" ? `more than ${error.limit} files` : `more than ${Math.round(error.limit / (1024 * 1024))} MB of files`;
    throw new WorkspaceError("workspace/too-large", `The work tree holds ${what}; it was not published.`, {
      userMessage: `The agent left ${what} in the work tree (outside ignored paths), over this app's limit, so nothing was published. The operator can raise AGENT_MAX_TREE_FILES / AGENT_MAX_TREE_MB.`,
    });
  }
  // A refused path is neither added nor deleted: the refusal itself stops the commit.
  const refusedPaths = new Set(snapshot.refused.map((r) => r.path));
  const entries: ComparedEntry[] = [];
  for (const [p, b] of base) {
    if (refusedPaths.has(p)) continue;
    const w = snapshot.files.get(p);
    entries.push({ path: p, base: b, work: w ? { oid: w.oid, mode: w.mode, size: w.size } : undefined, stage: undefined });
  }
  for (const [p, w] of snapshot.files)
    if (!base.has(p)) entries.push({ path: p, base: undefined, work: { oid: w.oid, mode: w.mode, size: w.size }, stage: undefined });
  return { baseSha, changed: classify(entries), refused: snapshot.refused, secretHits, unscanned, snapshot };
}
