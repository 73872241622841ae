import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { protectedPathBinds, realOrMissing } from "../../../src/sandbox/bwrap-args.js";

let ws: string;
beforeEach(async () => {
  ws = await realpath(await mkdtemp(path.join(os.tmpdir(), "protected-binds-")));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("protectedPathBinds", () => {
  it("re-binds existing paths over themselves and covers missing ones at their first missing component", async () => {
    await mkdir(path.join(ws, ".husky"));
    await writeFile(path.join(ws, ".gitconfig"), "");
    const args = protectedPathBinds(
      ws,
      [path.join(ws, ".husky"), path.join(ws, ".husky/_"), path.join(ws, ".gitconfig"), path.join(ws, "a/b/hooks")],
      "/EMPTY",
    );
    expect(args.filter((a) => a === "--ro-bind")).toHaveLength(3);
    const pairs = [];
    for (let i = 0; i < args.length; i += 3) pairs.push([args[i + 1], args[i + 2]]);
    expect(pairs).toEqual([
      ["/EMPTY", path.join(ws, "a")],
      [path.join(ws, ".husky"), path.join(ws, ".husky")],
      [path.join(ws, ".gitconfig"), path.join(ws, ".gitconfig")],
    ]);
  });

  it("leaves .git to its own read-only bind: nothing below it is bound or created", async () => {
    await mkdir(path.join(ws, ".git"));
    await writeFile(path.join(ws, ".git/config"), "");
    expect(protectedPathBinds(ws, [path.join(ws, ".git"), path.join(ws, ".git/config"), path.join(ws, ".git/missing.inc")], "/EMPTY")).toEqual([]);
  });

  it("follows symlinks to where the file really is, and skips what lies outside the workspace", async () => {
    await mkdir(path.join(ws, "conf"));
    await writeFile(path.join(ws, "conf/git.inc"), "");
    await symlink("conf/git.inc", path.join(ws, ".gitconfig"));
    await symlink("conf/missing-hooks", path.join(ws, ".githooks"));
    await symlink("/etc", path.join(ws, "outside"));
    const args = protectedPathBinds(ws, [path.join(ws, ".gitconfig"), path.join(ws, ".githooks"), path.join(ws, "outside/hooks"), "relative/path"], "/EMPTY");
    const pairs = [];
    for (let i = 0; i < args.length; i += 3) pairs.push([args[i + 1], args[i + 2]]);
    expect(pairs).toEqual([
      [path.join(ws, "conf/git.inc"), path.join(ws, "conf/git.inc")],
      ["/EMPTY", path.join(ws, "conf/missing-hooks")],
    ]);
    expect(realOrMissing(path.join(ws, ".githooks/pre-commit"))).toEqual({ path: path.join(ws, "conf/missing-hooks"), exists: false });
  });
});
