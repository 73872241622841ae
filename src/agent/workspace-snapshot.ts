/**
 * A content-hash snapshot of the workspace (no git needed), taken before and after the run to
 * tell `completed` from `no_changes` and to list changed files. .git/ and node_modules/ are
 * skipped; symlinks are recorded by target, not followed.
 */
import { createHash } from "node:crypto";
import { readFile, readdir, readlink } from "node:fs/promises";
import path from "node:path";

export type Snapshot = Map<string, string>;

const SKIP = new Set([".git", "node_modules"]);
const MAX_FILES = 100_000;

export async function snapshotWorkspace(root: string): Promise<Snapshot | undefined> {
  const out: Snapshot = new Map();
  const walk = async (rel: string): Promise<boolean> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(await walk(r))) return false;
      } else if (e.isSymbolicLink()) {
        out.set(r, `link:${await readlink(path.join(root, r)).catch(() => "")}`);
      } else if (e.isFile()) {
        const buf = await readFile(path.join(root, r)).catch(() => undefined);
        out.set(r, buf ? createHash("sha1").update(buf).digest("hex") : "unreadable");
      }
      if (out.size > MAX_FILES) return false;
    }
    return true;
  };
  // Too many files to hash cheaply: the caller treats "unknown" as changed.
  return (await walk("")) ? out : undefined;
}

export function diffSnapshots(before: Snapshot | undefined, after: Snapshot | undefined): string[] | undefined {
  if (!before || !after) return undefined;
  const changed = new Set<string>();
  for (const [p, h] of after) if (before.get(p) !== h) changed.add(p);
  for (const p of before.keys()) if (!after.has(p)) changed.add(p);
  return [...changed].sort();
}
