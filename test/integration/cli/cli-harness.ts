/**
 * Helpers for driving `main` in-process: a throwaway git checkout of a fixture, captured output,
 * and the env pointing at a scripted fake model.
 */
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { CliIo } from "../../../src/cli.js";

export const FIXTURES = fileURLToPath(new URL("../../../fixtures/repos/", import.meta.url));

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "test@example.com" },
  });
}

/** Copy fixtures/repos/<name> to a temp dir and commit it on `main` with native git. */
export async function checkoutFixture(name: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(options: { env: Record<string, string | undefined>; cwd?: string; stdin?: string; tty?: boolean; stderrTty?: boolean }): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty ?? false, columns: 100 },
    stderr: { write: (s: string) => (err += s), isTTY: options.stderrTty ?? false, columns: 100 },
    stdin: Readable.from([options.stdin ?? ""]),
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}

export const PATCH_FIX_ADD = [
  "*** Begin Patch",
  "*** Update File: src/add.mjs",
  "@@ export function add(a, b) {",
  "-  return a - b;",
  "+  return a + b;",
  "*** End Patch",
].join("\n");
