/**
 * Hostile trees on checkout (THREATS C3): a symlink to `.git` paired with a directory of the same
 * name, and a `.GIT` look-alike, both aiming to write `.git/config` (core.fsmonitor runs code the
 * next time any git CLI touches the repository). Whatever cloneRepo does with such a tree, the
 * workspace's git metadata must stay untouched.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneRepo, withWorkspace } from "../../../src/workspace/index.js";
import { git, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { TOKEN } from "./workspace-test-kit.js";

const POISON = "[core]\n\tfsmonitor = touch /tmp/ia-c3-pwned\n";

/** Make `main` of the bare repo `name` a commit whose root tree is `entries` (mktree format). */
function craftCommit(
  server: GitServer,
  name: string,
  entries: (bare: string, blob: (content: string) => string, tree: (lines: string) => string) => string,
): void {
  const bare = server.repoPath(name);
  const blob = (content: string): string => git(bare, ["hash-object", "-w", "--stdin"], content);
  const tree = (lines: string): string => git(bare, ["mktree"], lines);
  const root = entries(bare, blob, tree);
  const commit = git(bare, ["commit-tree", root, "-m", "hostile tree"]);
  git(bare, ["update-ref", "refs/heads/main", commit]);
}

describe("checkout of hostile trees", () => {
  let server: GitServer;
  const dataDir = makeTempDir("ia-data-");
  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [
      "symlink s -> .git plus directory s/ with config",
      (_bare: string, blob: (c: string) => string, tree: (l: string) => string): string => {
        const sub = tree(`100644 blob ${blob(POISON)}\tconfig\n`);
        return tree(`120000 blob ${blob(".git")}\ts\n040000 tree ${sub}\ts\n100644 blob ${blob("ok\n")}\tREADME.md\n`);
      },
    ],
    [
      ".GIT/config look-alike",
      (_bare: string, blob: (c: string) => string, tree: (l: string) => string): string => {
        const sub = tree(`100644 blob ${blob(POISON)}\tconfig\n`);
        return tree(`040000 tree ${sub}\t.GIT\n100644 blob ${blob("ok\n")}\tREADME.md\n`);
      },
    ],
  ])("%s never reaches .git/config", async (_name, entries) => {
    const name = `evil${Math.random().toString(16).slice(2, 8)}`;
    await server.createBareRepo(name, { "README.md": "ok\n" });
    craftCommit(server, name, entries);
    await withWorkspace(dataDir, "attack", async (ws) => {
      const outcome = await cloneRepo({ dir: ws.repoDir, url: server.urlFor(name), token: TOKEN }).then(
        () => "cloned",
        (error: { code?: string }) => error.code ?? "untyped",
      );
      // Either refused with a typed error or checked out harmlessly; never an untyped crash.
      expect(outcome).toMatch(/^(cloned|workspace\/clone)$/);
      const config = readFileSync(path.join(ws.repoDir, ".git/config"), "utf8");
      expect(config).not.toContain("fsmonitor");
      expect(existsSync(path.join(ws.repoDir, ".git/s"))).toBe(false);
    });
  });
});
