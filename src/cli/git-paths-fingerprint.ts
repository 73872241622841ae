/**
 * A cheap before/after record of the paths git executes or reads as config (hook directories,
 * config files, include targets, `.git/hooks`, `.git/config`), to tell the person which of them
 * changed during the run. The sandbox keeps them read-only in workspace-write mode, but not in
 * danger-full-access, and a read-only bind on a nested path can be sidestepped by renaming its
 * parent; either way the CLI itself never runs them, and the user's own git would.
 *
 * lstat only (nothing opened, no symlink followed), a bounded walk: a fingerprint, not a copy.
 */
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

const MAX_ENTRIES = 2000;
const MAX_DEPTH = 6;

async function describe(p: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (current: string, depth: number): Promise<void> => {
    if (lines.length > MAX_ENTRIES) return;
    let st;
    try {
      st = await lstat(current);
    } catch {
      lines.push(`${path.relative(p, current)}:missing`);
      return;
    }
    const kind = st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFile() ? "f" : "o";
    lines.push(`${path.relative(p, current)}:${kind}:${st.size}:${st.mtimeMs}:${st.mode}`);
    if (kind !== "d" || depth >= MAX_DEPTH) return;
    const names = await readdir(current).catch(() => [] as string[]);
    for (const name of names.sort()) await walk(path.join(current, name), depth + 1);
  };
  await walk(p, 0);
  return lines.join("\n");
}

export type Fingerprint = Map<string, string>;

export async function fingerprint(paths: readonly string[]): Promise<Fingerprint> {
  const out: Fingerprint = new Map();
  for (const p of paths) out.set(p, await describe(p));
  return out;
}

/** The paths whose fingerprint differs, in the order they were given. */
export function changedSince(before: Fingerprint, after: Fingerprint): string[] {
  return [...before.keys()].filter((p) => before.get(p) !== after.get(p));
}
