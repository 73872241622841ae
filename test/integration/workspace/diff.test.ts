import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedFiles, cloneRepo, commitAll, unifiedDiff, withWorkspace } from "../../../src/workspace/index.js";
import { git, gitAsync, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { BOT, TOKEN } from "./workspace-test-kit.js";

describe("changedFiles and unifiedDiff", () => {
  let server: GitServer;
  let url: string;
  const dataDir = makeTempDir("ia-data-");
  const basicAuth = `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`;

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    url = await server.createBareRepo("diffs", {
      "a.txt": "one\ntwo\nthree\nfour\nfive\nsix\nseven\n",
      "gone.txt": "bye\n",
      "old/name.txt": "same content\n",
      "run.sh": "#!/bin/sh\n",
      "logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
      "no-newline.txt": "last",
      ".gitignore": "*.tmp\n",
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists added, modified, deleted, renamed and mode-changed files, before and after commit", async () => {
    await withWorkspace(dataDir, "diff", async (ws) => {
      const { headSha } = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN });
      const dir = ws.repoDir;
      writeFileSync(path.join(dir, "a.txt"), "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\n");
      rmSync(path.join(dir, "gone.txt"));
      mkdirSync(path.join(dir, "new"));
      renameSync(path.join(dir, "old/name.txt"), path.join(dir, "new/name.txt"));
      chmodSync(path.join(dir, "run.sh"), 0o755);
      writeFileSync(path.join(dir, "added.txt"), "hello\n");
      writeFileSync(path.join(dir, "scratch.tmp"), "ignored\n");

      const expected = [
        { path: "a.txt", status: "modified", modeChanged: false },
        { path: "added.txt", status: "added", newMode: "100644" },
        { path: "gone.txt", status: "deleted", oldMode: "100644" },
        { path: "new/name.txt", status: "renamed", oldPath: "old/name.txt", modeChanged: false },
        { path: "run.sh", status: "modified", oldMode: "100644", newMode: "100755", modeChanged: true },
      ];
      expect(await changedFiles(dir, headSha)).toMatchObject(expected);
      await commitAll({ dir, message: "m", author: BOT, maxFileBytes: 1000 });
      expect(await changedFiles(dir, headSha)).toMatchObject(expected);
    });
  });

  it("produces a git-style diff that native git applies to the base to give the same tree", async () => {
    await withWorkspace(dataDir, "apply", async (ws) => {
      const { headSha } = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN });
      const dir = ws.repoDir;
      writeFileSync(path.join(dir, "a.txt"), "zero\none\ntwo\nTHREE\nfour\nfive\nsix\n");
      rmSync(path.join(dir, "gone.txt"));
      mkdirSync(path.join(dir, "new"));
      renameSync(path.join(dir, "old/name.txt"), path.join(dir, "new/name.txt"));
      chmodSync(path.join(dir, "run.sh"), 0o755);
      writeFileSync(path.join(dir, "added.txt"), "hello\n");
      writeFileSync(path.join(dir, "no-newline.txt"), "last\nmore");
      const diff = await unifiedDiff(dir, headSha);
      expect(diff).toContain("diff --git a/old/name.txt b/new/name.txt\nsimilarity index 100%\nrename from old/name.txt\nrename to new/name.txt\n");
      expect(diff).toContain("diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n");
      expect(diff).toContain("--- /dev/null\n+++ b/added.txt\n@@ -0,0 +1 @@\n+hello\n");
      expect(diff).toContain("\\ No newline at end of file");

      const other = makeTempDir("ia-apply-");
      try {
        await gitAsync(other, ["-c", basicAuth, "clone", "-q", url, "."]);
        git(other, ["apply", "--whitespace=nowarn", "-"], diff);
        git(other, ["add", "-A"]);
        git(dir, ["-c", "core.filemode=true", "add", "-A"]); // isomorphic-git clones set filemode=false; compare real modes
        expect(git(other, ["write-tree"])).toBe(git(dir, ["write-tree"]));
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });
  });

  it("marks binary files instead of printing their bytes, and truncates at maxBytes", async () => {
    await withWorkspace(dataDir, "binary", async (ws) => {
      const { headSha } = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN });
      writeFileSync(path.join(ws.repoDir, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9]));
      writeFileSync(path.join(ws.repoDir, "z-big.txt"), "line\n".repeat(2000));
      const diff = await unifiedDiff(ws.repoDir, headSha);
      expect(diff).toContain("diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n");
      const small = await unifiedDiff(ws.repoDir, headSha, { maxBytes: 200 });
      expect(small).toContain("Binary files");
      expect(small).toMatch(/# diff truncated: 1 more file\(s\) not shown \(z-big\.txt\)/);
      expect(Buffer.byteLength(small)).toBeLessThan(400);
    });
  });
});
