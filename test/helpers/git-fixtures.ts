/**
 * Native git for tests: build repositories, inspect what isomorphic-git produced, and verify it with
 * the real tool. Every call runs with a fixed identity, fixed dates and no user/system config, so
 * commit ids are reproducible and a developer's ~/.gitconfig cannot change a test's outcome.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** 2024-01-01T00:00:00Z: fixed so commit ids are the same on every run. */
export const FIXED_DATE = "1704067200 +0000";

export const NATIVE_GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Fixture Author",
  GIT_AUTHOR_EMAIL: "fixture@example.com",
  GIT_COMMITTER_NAME: "Fixture Author",
  GIT_COMMITTER_EMAIL: "fixture@example.com",
  GIT_AUTHOR_DATE: FIXED_DATE,
  GIT_COMMITTER_DATE: FIXED_DATE,
  GIT_TERMINAL_PROMPT: "0",
};

/** Run native git and return trimmed stdout; throws with stderr on a non-zero exit. */
export function git(cwd: string, args: readonly string[], input?: string | Buffer): string {
  return execFileSync("git", ["-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null", ...args], {
    cwd,
    input,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...NATIVE_GIT_ENV },
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  })
    .toString("utf8")
    .trim();
}

/**
 * Native git without blocking the event loop. Use it for anything that talks to the in-process
 * test git server (clone, fetch, push): the synchronous `git` would deadlock against it.
 */
export function gitAsync(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null", ...args],
      { cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...NATIVE_GIT_ENV }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr}`, { cause: error }));
        else resolve(stdout.trim());
      },
    );
  });
}

/** A file's content, or content plus an executable bit. */
export type FixtureFile = string | Buffer | { content: string | Buffer; executable?: boolean };
/** path -> content; `null` deletes the path. */
export type FixtureFiles = Record<string, FixtureFile | null>;

/** Write (or delete, for `null`) files into a work tree. */
export function writeFixtureFiles(dir: string, files: FixtureFiles): void {
  for (const [rel, file] of Object.entries(files)) {
    const full = path.join(dir, rel);
    if (file === null) {
      rmSync(full, { force: true, recursive: true });
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    const content = typeof file === "string" || Buffer.isBuffer(file) ? file : file.content;
    writeFileSync(full, content);
    const executable = typeof file === "object" && !Buffer.isBuffer(file) && file.executable === true;
    chmodSync(full, executable ? 0o755 : 0o644);
  }
}

/** A fresh temporary directory; the caller removes it (or uses `withTempDir`). */
export function makeTempDir(prefix = "ia-test-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Commit `files` in a fresh non-bare repo on branch `main`, return its path. */
export function makeWorkRepo(files: FixtureFiles, message = "initial commit"): string {
  const dir = makeTempDir("ia-work-");
  git(dir, ["init", "-q", "-b", "main"]);
  writeFixtureFiles(dir, files);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "--allow-empty", "-m", message]);
  return dir;
}
