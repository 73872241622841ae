import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveInWorkspace } from "../../../src/agent/index.js";

let parent: string;
let root: string;
beforeEach(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), "guard-"));
  root = path.join(parent, "repo");
  await mkdir(path.join(root, "src"), { recursive: true });
  await mkdir(path.join(parent, "repo-evil"));
  await writeFile(path.join(root, "src/a.js"), "a");
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe("resolveInWorkspace", () => {
  it("accepts paths inside, relative or absolute, existing or not", async () => {
    expect(await resolveInWorkspace(root, "src/a.js")).toMatchObject({ rel: "src/a.js", exists: true });
    expect(await resolveInWorkspace(root, path.join(root, "src/new/b.js"), { write: true })).toMatchObject({ rel: "src/new/b.js", exists: false });
    expect(await resolveInWorkspace(root, "src/../src/a.js")).toMatchObject({ rel: "src/a.js" });
  });

  it.each([
    ["parent traversal", "../../etc/passwd"],
    ["absolute path outside", "/etc/passwd"],
    ["sibling directory sharing the prefix", "../repo-evil/x"],
    ["absolute sibling", "REPLACE/repo-evil/x"],
    ["traversal through a subdirectory", "src/../../x"],
  ])("refuses %s", async (_name, p) => {
    await expect(resolveInWorkspace(root, p.replace("REPLACE", parent))).rejects.toThrow(/outside the workspace/);
  });

  it("refuses symlinks that lead outside, dangling or looping links, and writes into .git in any spelling", async () => {
    await symlink("/etc", path.join(root, "etc-link"));
    await symlink(path.join(parent, "repo-evil"), path.join(root, "evil-dir"));
    await symlink("loop-b", path.join(root, "loop-a"));
    await symlink("loop-a", path.join(root, "loop-b"));
    await mkdir(path.join(root, ".git"));
    await symlink(".git", path.join(root, "g"));
    await expect(resolveInWorkspace(root, "etc-link/passwd")).rejects.toThrow(/outside the workspace/);
    await expect(resolveInWorkspace(root, "evil-dir/new.txt", { write: true })).rejects.toThrow(/outside the workspace/);
    await expect(resolveInWorkspace(root, "loop-a/x")).rejects.toThrow(/broken or looping symlink|outside/);
    for (const p of [".git/config", ".GIT/hooks/x", ".git./config", "g/hooks/pre-commit", "sub/.git/config"]) {
      await expect(resolveInWorkspace(root, p, { write: true }), p).rejects.toThrow(/\.git\/ cannot be written/);
    }
    // Reading .git is allowed (the model may inspect history files); only writes are refused.
    expect(await resolveInWorkspace(root, ".git")).toMatchObject({ rel: ".git" });
  });
});
