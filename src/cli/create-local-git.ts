/**
 * LocalGit over the user's own `git` binary. The CLI works on a checkout the user already has, so
 * git is installed, and the user's git is the one that understands their repository (worktrees,
 * sparse checkouts, autocrlf, index extensions) and their identity. The app's scratch clones go
 * through src/workspace (isomorphic-git) instead.
 *
 * Nothing here changes the user's index or config: the review's diff is built in a temporary
 * index file. The agent cannot plant git config or hooks: its sandbox keeps `.git` read-only.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppError } from "../shared/errors.js";
import type { LocalGit } from "./local-git.js";

interface GitOptions {
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (rev-parse --verify answers 1 for "no"). */
  okCodes?: number[];
}

function runGit(dir: string, args: string[], options: GitOptions = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    // core.quotepath=false keeps non-ASCII paths readable; external diff tools and pagers stay off.
    const fullArgs = ["-c", "core.quotepath=false", "-C", dir, ...args];
    execFile("git", fullArgs, { env: { ...process.env, ...options.env, GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout });
      const code = typeof error.code === "number" ? error.code : -1;
      if (options.okCodes?.includes(code)) return resolve({ code, stdout });
      const what = (error as NodeJS.ErrnoException).code === "ENOENT" ? "git is not installed or not on PATH" : stderr.trim() || error.message;
      reject(new AppError("workspace/commit-refused", `git ${args[0]} failed: ${what}`, { cause: error }));
    });
  });
}

/** Paths from `git status --porcelain=v1 -z` (renames contribute their new path). */
export function parsePorcelainZ(output: string): string[] {
  const parts = output.split("\0");
  const paths = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    paths.add(entry.slice(3));
    // Renames and copies are followed by the original path as its own NUL-separated field.
    if (status.includes("R") || status.includes("C")) i++;
  }
  return [...paths].sort();
}

async function hasIdentity(dir: string): Promise<boolean> {
  const { code, stdout } = await runGit(dir, ["config", "user.email"], { okCodes: [1] });
  return code === 0 && stdout.trim() !== "";
}

export function createLocalGit(): LocalGit {
  return {
    async changedFiles(dir) {
      const { stdout } = await runGit(dir, ["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
      return parsePorcelainZ(stdout);
    },

    async commitOnNewBranch(dir, branch, title, body) {
      // switch -c keeps the working tree as it is: the agent's changes move to the new branch.
      await runGit(dir, ["switch", "-q", "-c", branch]);
      await runGit(dir, ["add", "-A"]);
      const identity = (await hasIdentity(dir)) ? [] : ["-c", "user.name=issue-agent", "-c", "user.email=issue-agent@localhost"];
      const message = body.trim() ? ["-m", title, "-m", body] : ["-m", title];
      await runGit(dir, [...identity, "commit", "-q", ...message]);
      return (await runGit(dir, ["rev-parse", "HEAD"])).stdout.trim();
    },

    async diffAgainst(dir, baseRef) {
      const { stdout: mergeBase } = await runGit(dir, ["merge-base", baseRef, "HEAD"]);
      // A throwaway copy of the index takes `add -A`, so untracked new files are reviewed too
      // and the user's staging area is left exactly as it was.
      const tmp = await mkdtemp(path.join(os.tmpdir(), "issue-agent-index-"));
      try {
        const { stdout: indexPath } = await runGit(dir, ["rev-parse", "--path-format=absolute", "--git-path", "index"]);
        const tmpIndex = path.join(tmp, "index");
        await copyFile(indexPath.trim(), tmpIndex).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        });
        const env = { GIT_INDEX_FILE: tmpIndex };
        await runGit(dir, ["add", "-A"], { env });
        const { stdout } = await runGit(dir, ["diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", mergeBase.trim()], { env });
        return stdout;
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },

    async describeHead(dir) {
      const commit = await runGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { okCodes: [1, 128] });
      const branch = await runGit(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"], { okCodes: [1, 128] });
      const remote = await runGit(dir, ["remote", "get-url", "origin"], { okCodes: [1, 2, 128] });
      const value = (r: { code: number; stdout: string }) => (r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null);
      return { commit: value(commit), branch: value(branch), remoteUrl: value(remote) };
    },

    async resolveFirstRef(dir, candidates) {
      for (const ref of candidates) {
        if (ref.startsWith("-")) continue;
        const { code } = await runGit(dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { okCodes: [1, 128] });
        if (code === 0) return ref;
      }
      return null;
    },
  };
}
