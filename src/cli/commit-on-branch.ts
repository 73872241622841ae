/**
 * The commit on a new branch: trees and commit written from the snapshot's blob ids, the branch
 * created (never overwritten) and made current, then the index set to the new tree so `git status`
 * is clean. Nothing here reads the index or runs a hook.
 */
import fs from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";
import { writeTrees } from "../workspace/commit-snapshot.js";
import { detectNativeGit, runGit } from "../workspace/native-git.js";
import type { PreparedChanges } from "../workspace/prepare-changes.js";
import type { GitLayout } from "./git-layout.js";
import { PLUMBING_TIMEOUT_MS } from "./git-plumbing.js";
import { LocalGitRefused } from "./local-git-refused.js";

export async function commitOnBranch(
  layout: GitLayout,
  head: string,
  prepared: PreparedChanges,
  branch: string,
  message: string,
  identity: { name: string; email: string },
): Promise<string> {
  const who = { ...identity, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
  const tree = await writeTrees(layout.root, prepared.snapshot.files.values(), layout.commonDir);
  const oid = await git.writeCommit({ fs, dir: layout.root, gitdir: layout.commonDir, commit: { message, tree, parent: [head], author: who, committer: who } });
  try {
    await git.writeRef({ fs, dir: layout.root, gitdir: layout.commonDir, ref: `refs/heads/${branch}`, value: oid, force: false });
  } catch (error) {
    throw new LocalGitRefused(`Could not create branch ${branch}: ${(error as Error).message}`);
  }
  // HEAD is this checkout's own (per worktree): switch it by hand, atomically.
  const headFile = path.join(layout.gitDir, "HEAD");
  await writeFile(`${headFile}.issue-agent.tmp`, `ref: refs/heads/${branch}\n`);
  await rename(`${headFile}.issue-agent.tmp`, headFile);
  if ((await detectNativeGit()) !== null) {
    // Plumbing through the hardened runner: read-tree runs no filter, and hooks are off.
    await runGit(["read-tree", oid], { cwd: layout.root, timeoutMs: PLUMBING_TIMEOUT_MS });
  } else {
    for (const c of prepared.changed) {
      for (const filepath of c.oldPath ? [c.oldPath, c.path] : [c.path])
        await git.resetIndex({ fs, dir: layout.root, gitdir: layout.gitDir, filepath, ref: oid }).catch(() => undefined);
    }
  }
  return oid;
}
