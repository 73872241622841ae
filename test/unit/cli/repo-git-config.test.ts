import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeRunningWorkTreeSettings, gitExecutedPaths, readRepoConfig, usesSparseCheckout } from "../../../src/cli/repo-git-config.js";

let dir: string;
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "repo-git-config-"));
  git("init", "-q");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("repo git config", () => {
  it("reads the local config with includes, and lists what git would run or read from the work tree", async () => {
    git("config", "core.hooksPath", ".husky/_");
    git("config", "include.path", "../.gitconfig");
    git("config", "includeIf.onbranch:main.path", "../config/missing.inc");
    await writeFile(
      path.join(dir, ".gitconfig"),
      '[core]\n\tfsmonitor = ./watch.sh\n[filter "x"]\n\tclean = ./clean.sh\n[alias]\n\tst = status\n\tboom = !./boom.sh\n',
    );
    const entries = await readRepoConfig(dir);
    expect(entries).toContainEqual({ scope: "local", file: path.join(dir, ".gitconfig"), key: "core.fsmonitor", value: "./watch.sh" });
    // Only the repository's files: never the hardening the runner adds on the command line.
    expect(entries.every((e) => e.scope === "local")).toBe(true);

    const paths = gitExecutedPaths(dir, entries, "/home/u");
    expect(paths).toEqual(
      expect.arrayContaining([
        path.join(dir, ".husky/_"),
        path.join(dir, ".gitconfig"),
        path.join(dir, "config/missing.inc"),
        path.join(dir, ".githooks"),
        path.join(dir, ".gitattributes"),
        path.join(dir, ".husky"),
      ]),
    );
    expect(codeRunningWorkTreeSettings(dir, entries)).toEqual([
      { key: "core.fsmonitor", file: ".gitconfig" },
      { key: "filter.x.clean", file: ".gitconfig" },
      { key: "alias.boom", file: ".gitconfig" },
    ]);
  });

  it("expands ~/ includes against HOME and ignores settings in .git/config itself", async () => {
    git("config", "include.path", "~/shared.inc");
    git("config", "core.fsmonitor", "./in-dot-git.sh");
    const entries = await readRepoConfig(dir);
    expect(gitExecutedPaths(dir, entries, "/home/u")).toContain("/home/u/shared.inc");
    expect(codeRunningWorkTreeSettings(dir, entries)).toEqual([]);
  });

  it("notices a sparse checkout", async () => {
    expect(usesSparseCheckout(await readRepoConfig(dir))).toBe(false);
    git("config", "core.sparseCheckout", "true");
    expect(usesSparseCheckout(await readRepoConfig(dir))).toBe(true);
  });

  it("is empty outside a repository instead of failing", async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), "not-a-repo-"));
    try {
      expect(await readRepoConfig(plain)).toEqual([]);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
