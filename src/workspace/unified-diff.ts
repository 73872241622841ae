/**
 * A git-style unified diff of the work tree against a base commit, computed in-process with the
 * `diff` package (no git CLI in an agent-touched tree). Binary files (a NUL byte or invalid UTF-8)
 * and very large files are listed without content, as `git diff` does for binaries.
 */
import fs from "node:fs";
import { structuredPatch } from "diff";
import git from "isomorphic-git";
import type { ChangedFile } from "./changed-files.js";
import { detectNativeGit } from "./native-git.js";
import { prepareChanges } from "./prepare-changes.js";
import { DEFAULT_TREE_CAPS } from "./snapshot-work-tree.js";

export interface UnifiedDiffOptions {
  /** Stop adding files once the diff reaches this size; a final line says what was left out. */
  maxBytes?: number;
  /** Files larger than this are shown as changed without content. Default 1 MiB. */
  maxFileBytes?: number;
  cache?: object;
  /** The object store, when it is not `dir/.git` (see PrepareOptions.gitdir). */
  gitdir?: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Text, or null when the bytes look binary. */
export function asText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, 8000).includes(0)) return null;
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

export async function unifiedDiff(dir: string, baseSha: string, options: UnifiedDiffOptions = {}): Promise<string> {
  const { maxBytes = Number.POSITIVE_INFINITY, maxFileBytes = 1024 * 1024, cache = {} } = options;
  const nativeGit = (await detectNativeGit()) !== null;
  const prepared = await prepareChanges({ dir, baseRef: baseSha, caps: DEFAULT_TREE_CAPS, maxFileBytes: DEFAULT_TREE_CAPS.maxTotalBytes, nativeGit, cache });
  return renderUnifiedDiff(dir, prepared.changed, { maxBytes, maxFileBytes, cache });
}

/**
 * Render changed files (structured data from a snapshot) as a git-style diff. Both sides are read
 * from the object store by blob id, so the text shows exactly the snapshot, never a file re-read
 * from a tree that may have changed. File names were checked by the snapshot (no control characters).
 */
export async function renderUnifiedDiff(dir: string, files: readonly ChangedFile[], options: UnifiedDiffOptions = {}): Promise<string> {
  const { maxBytes = Number.POSITIVE_INFINITY, maxFileBytes = 1024 * 1024, cache = {}, gitdir } = options;
  let out = "";
  for (const [index, file] of files.entries()) {
    const section = await fileDiff(dir, file, maxFileBytes, cache, gitdir);
    if (Buffer.byteLength(out) + Buffer.byteLength(section) > maxBytes) {
      out += `# diff truncated: ${files.length - index} more file(s) not shown (${files
        .slice(index)
        .map((f) => f.path)
        .join(", ")
        .slice(0, 2000)})\n`;
      break;
    }
    out += section;
  }
  return out;
}

async function readSide(dir: string, file: ChangedFile, side: "old" | "new", cache: object, gitdir: string | undefined): Promise<Uint8Array | undefined> {
  const oid = side === "old" ? file.oldOid : file.newOid;
  if (!oid) return undefined;
  return (await git.readBlob({ fs, dir, ...(gitdir === undefined ? {} : { gitdir }), cache, oid })).blob;
}

async function fileDiff(dir: string, file: ChangedFile, maxFileBytes: number, cache: object, gitdir: string | undefined): Promise<string> {
  const oldPath = file.oldPath ?? file.path;
  const header: string[] = [`diff --git a/${oldPath} b/${file.path}`];
  if (file.status === "added") header.push(`new file mode ${file.newMode}`);
  else if (file.status === "deleted") header.push(`deleted file mode ${file.oldMode}`);
  else if (file.modeChanged) header.push(`old mode ${file.oldMode}`, `new mode ${file.newMode}`);
  if (file.status === "renamed") header.push("similarity index 100%", `rename from ${oldPath}`, `rename to ${file.path}`);
  if (file.oldOid === file.newOid) return `${header.join("\n")}\n`; // rename or mode change only

  const [oldBytes, newBytes] = await Promise.all([readSide(dir, file, "old", cache, gitdir), readSide(dir, file, "new", cache, gitdir)]);
  const a = file.status === "added" ? "/dev/null" : `a/${oldPath}`;
  const b = file.status === "deleted" ? "/dev/null" : `b/${file.path}`;
  if ((oldBytes?.byteLength ?? 0) > maxFileBytes || (newBytes?.byteLength ?? 0) > maxFileBytes) {
    return `${header.join("\n")}\n# large file: diff not shown (${oldBytes?.byteLength ?? 0} -> ${newBytes?.byteLength ?? 0} bytes)\n`;
  }
  const oldText = oldBytes ? asText(oldBytes) : "";
  const newText = newBytes ? asText(newBytes) : "";
  if (oldText === null || newText === null) return `${header.join("\n")}\nBinary files ${a} and ${b} differ\n`;

  const patch = structuredPatch(a, b, oldText, newText, "", "", { context: 3 });
  const lines = [...header, `--- ${a}`, `+++ ${b}`];
  for (const hunk of patch.hunks) {
    // As git (and jsdiff's own formatPatch): an empty side starts one line earlier; a count of 1 is omitted.
    const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  }
  return `${lines.join("\n")}\n`;
}
