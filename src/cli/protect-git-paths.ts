/**
 * The paths of the user's checkout that git executes or reads as config (repo-git-config.ts),
 * kept read-only inside the sandbox for the whole run. A protected path that does not exist yet
 * is covered by an empty read-only directory, which bubblewrap creates on the host as its mount
 * point; `release` removes those again (only if still empty, only the ones this run created).
 */
import { rmdir } from "node:fs/promises";
import path from "node:path";
import { resolveProtectedPath } from "../sandbox/index.js";
import { gitLayoutOf } from "./git-layout.js";
import { changedSince, fingerprint } from "./git-paths-fingerprint.js";
import { gitExecutedPaths, readRepoConfig, type ConfigEntry } from "./repo-git-config.js";

export interface ProtectedGitPaths {
  /** Absolute paths for SandboxPolicy.protectedPaths. */
  paths: string[];
  /** The repository config they were computed from (for the post-run report). */
  config: ConfigEntry[];
  /** Remove the placeholder directories the sandbox left for missing paths. */
  release(): Promise<void>;
  /** After release: the protected paths (and .git/hooks, .git/config) that changed since the start, relative to the root where inside it. */
  changed(): Promise<string[]>;
  /** The repository config as it is now (re-read: an include target may have changed). */
  configNow(): Promise<ConfigEntry[]>;
}

export async function protectGitPaths(root: string, workspaceDir: string, home: string | undefined): Promise<ProtectedGitPaths> {
  const config = await readRepoConfig(root);
  const paths = gitExecutedPaths(root, config, home);
  const placeholders = new Set<string>();
  for (const p of paths) {
    const resolved = resolveProtectedPath(p);
    const rel = resolved ? path.relative(workspaceDir, resolved.path) : "..";
    if (resolved && !resolved.exists && rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) placeholders.add(resolved.path);
  }
  const { gitDir, commonDir } = gitLayoutOf(root);
  const inGit = [
    path.join(commonDir, "hooks"),
    path.join(commonDir, "config"),
    path.join(gitDir, "config.worktree"),
    path.join(commonDir, "info", "attributes"),
  ];
  const watched = [...new Set([...paths, ...inGit])];
  const before = await fingerprint(watched);
  return {
    paths,
    config,
    release: async () => {
      for (const p of placeholders) await rmdir(p).catch(() => undefined); // not empty or never created: leave it
    },
    changed: async () => {
      const show = (p: string): string => {
        const rel = path.relative(root, p);
        return rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
      };
      return changedSince(before, await fingerprint(watched)).map(show);
    },
    configNow: () => readRepoConfig(root),
  };
}
