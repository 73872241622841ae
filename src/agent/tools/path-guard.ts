/**
 * Every path a file tool touches goes through here. The path is resolved against the workspace,
 * symlinks in the existing part are followed with realpath, and the result must stay inside the
 * workspace's own real path. Writes are also refused anywhere under a `.git` directory (case-
 * insensitive, with Windows' trailing dots and spaces stripped) so neither the model nor a
 * planted symlink can reach hooks or config (THREATS C1-C5). Callers write to the returned real
 * path and open it with O_NOFOLLOW, so a link swapped in after the check fails instead of
 * being followed.
 */
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";

export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathEscapeError";
  }
}

export interface ResolvedPath {
  /** Real absolute path (symlinks in existing components resolved). */
  abs: string;
  /** Relative to the workspace's real root, with forward slashes; "" for the root. */
  rel: string;
  exists: boolean;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

export function isGitPath(rel: string): boolean {
  return rel.split(/[\\/]/).some((seg) => seg.replace(/[. ]+$/, "").toLowerCase() === ".git" || seg.toLowerCase() === "git~1");
}

export async function resolveInWorkspace(workspaceDir: string, requested: string, options: { write?: boolean } = {}): Promise<ResolvedPath> {
  if (typeof requested !== "string" || requested.includes("\0")) throw new PathEscapeError("Invalid path.");
  const root = await realpath(workspaceDir);
  let candidate = requested.trim() === "" ? root : requested;
  // Absolute paths spelled through the workspace's non-real path (e.g. a symlinked /tmp).
  if (path.isAbsolute(candidate) && !candidate.startsWith(root) && (candidate + path.sep).startsWith(path.resolve(workspaceDir) + path.sep)) {
    candidate = path.join(root, path.relative(path.resolve(workspaceDir), candidate));
  }
  const lexical = path.resolve(root, candidate);
  // Follow symlinks in the longest existing prefix; the rest does not exist yet.
  let existing = lexical;
  const tail: string[] = [];
  while (!(await exists(existing))) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    tail.unshift(path.basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = path.join(await realpath(existing), ...tail);
  } catch {
    // A dangling symlink or a loop: refuse rather than guess where it points.
    throw new PathEscapeError(`${requested}: cannot be resolved (broken or looping symlink).`);
  }
  const rel = path.relative(root, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new PathEscapeError(`${requested}: resolves outside the workspace; only files inside the repository can be used.`);
  }
  const relPosix = rel.split(path.sep).join("/");
  if (options.write) {
    if (relPosix === "") throw new PathEscapeError(`${requested}: is the workspace root, not a file.`);
    if (isGitPath(relPosix)) throw new PathEscapeError(`${requested}: files under .git/ cannot be written.`);
  }
  return { abs: real, rel: relPosix, exists: tail.length === 0 };
}
