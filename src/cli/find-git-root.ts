import { statSync } from "node:fs";
import path from "node:path";

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file for worktrees), or null. */
export function findGitRoot(dir: string): string | null {
  let current = path.resolve(dir);
  for (;;) {
    try {
      statSync(path.join(current, ".git"));
      return current;
    } catch {
      // Not here: try the parent.
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** Whether `dir` exists and is a directory. */
export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
