/**
 * Where a checkout's git data lives, read without running git. `.git` is a directory (a plain
 * clone), or a file `gitdir: X` (a submodule, `--separate-git-dir`, or a linked worktree). A linked
 * worktree's X holds only its own HEAD and index; objects, refs and config live in the common
 * directory its `commondir` file names. isomorphic-git does not follow `commondir`, so the CLI
 * passes the common directory as `gitdir` and reads the worktree's HEAD itself.
 */
import fs from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";

export interface GitLayout {
  /** The work tree root. */
  root: string;
  /** This checkout's own git directory (HEAD, index). */
  gitDir: string;
  /** Objects, refs, config and hooks; equal to gitDir except in a linked worktree. */
  commonDir: string;
}

export function gitLayoutOf(root: string): GitLayout {
  const dotGit = path.join(root, ".git");
  let gitDir = dotGit;
  try {
    if (!fs.statSync(dotGit).isDirectory()) {
      const target = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, "utf8"))?.[1]?.trim();
      if (target) gitDir = path.resolve(root, target);
    }
  } catch {
    return { root, gitDir, commonDir: gitDir };
  }
  let commonDir = gitDir;
  try {
    commonDir = path.resolve(gitDir, fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim());
  } catch {
    // No commondir: not a linked worktree.
  }
  return { root, gitDir, commonDir };
}

export interface Head {
  /** The commit HEAD points at, or null when the branch has no commit yet. */
  sha: string | null;
  /** The branch name, or null when detached. */
  branch: string | null;
}

export async function readHead(layout: GitLayout): Promise<Head> {
  let text: string;
  try {
    text = (await readFile(path.join(layout.gitDir, "HEAD"), "utf8")).trim();
  } catch {
    return { sha: null, branch: null };
  }
  if (text.startsWith("ref: ")) {
    const ref = text.slice(5).trim();
    const sha = await git.resolveRef({ fs, dir: layout.root, gitdir: layout.commonDir, ref }).catch(() => null);
    return { sha, branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null };
  }
  return { sha: /^[0-9a-f]{40}$/.test(text) ? text : null, branch: null };
}
