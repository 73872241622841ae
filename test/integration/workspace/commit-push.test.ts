import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BranchMovedError,
  cloneRepo,
  commitAll,
  createBranch,
  pushBranch,
  withWorkspace,
  WorkspaceError,
  type Workspace,
} from "../../../src/workspace/index.js";
import { git, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { BOT, collectingLog, filesContaining, REQUESTER, TOKEN, tokenForms } from "./workspace-test-kit.js";

const FILES = {
  "README.md": "# demo\n",
  "src/keep.ts": "export const keep = 1;\n",
  "src/old-name.ts": "export const moved = true;\n",
  "src/remove-me.ts": "export const gone = 1;\n",
  "scripts/build.sh": "#!/bin/sh\necho build\n",
  ".gitignore": "dist/\n*.log\n",
};

describe("createBranch, commitAll and pushBranch", () => {
  let server: GitServer;
  const dataDir = makeTempDir("ia-data-");
  let n = 0;

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh bare repo per test, cloned into a fresh workspace. */
  async function withClone(fn: (ws: Workspace, repo: string, url: string, headSha: string) => Promise<void>): Promise<void> {
    const repo = `repo${++n}`;
    const url = await server.createBareRepo(repo, FILES);
    await withWorkspace(dataDir, `job-${n}`, async (ws) => {
      const { headSha } = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN });
      await fn(ws, repo, url, headSha);
    });
  }
  const write = (ws: Workspace, rel: string, content: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(ws.repoDir, rel)), { recursive: true });
    writeFileSync(path.join(ws.repoDir, rel), content);
  };

  it("commits add/modify/delete/rename/mode changes exactly, honours .gitignore, adds the Co-authored-by trailer, and pushes a new branch", async () => {
    await withClone(async (ws, repo, url, baseSha) => {
      await createBranch({ dir: ws.repoDir, name: "agent/issue-1-demo" });
      write(ws, "src/new.ts", "export const added = 1;\n");
      write(ws, "src/keep.ts", "export const keep = 2;\n");
      rmSync(path.join(ws.repoDir, "src/remove-me.ts"));
      renameSync(path.join(ws.repoDir, "src/old-name.ts"), path.join(ws.repoDir, "src/new-name.ts"));
      chmodSync(path.join(ws.repoDir, "scripts/build.sh"), 0o755);
      write(ws, "dist/bundle.js", "ignored\n");
      write(ws, "debug.log", "ignored\n");

      const sha = await commitAll({ dir: ws.repoDir, message: "Fix the demo\n\nCloses #1", author: BOT, coAuthor: REQUESTER, maxFileBytes: 1024 * 1024 });
      expect(sha).toMatch(/^[0-9a-f]{40}$/);

      // Native git sees exactly these changes, with the rename and the mode change.
      const raw = git(ws.repoDir, ["diff-tree", "-r", "-M", "--no-commit-id", "--name-status", baseSha, sha!]);
      expect(raw.split("\n").sort()).toEqual([
        "A\tsrc/new.ts",
        "D\tsrc/remove-me.ts",
        "M\tscripts/build.sh",
        "M\tsrc/keep.ts",
        "R100\tsrc/old-name.ts\tsrc/new-name.ts",
      ]);
      expect(git(ws.repoDir, ["diff-tree", "-r", "--no-commit-id", "--raw", baseSha, sha!, "--", "scripts/build.sh"])).toMatch(/^:100644 100755 /);
      expect(git(ws.repoDir, ["status", "--porcelain"])).toBe("");
      expect(git(ws.repoDir, ["log", "-1", "--format=%an <%ae>|%cn <%ce>"])).toBe(`${BOT.name} <${BOT.email}>|${BOT.name} <${BOT.email}>`);
      expect(git(ws.repoDir, ["log", "-1", "--format=%B"])).toBe(`Fix the demo\n\nCloses #1\n\nCo-authored-by: ${REQUESTER.name} <${REQUESTER.email}>`);
      expect(git(ws.repoDir, ["log", "-1", "--format=%(trailers:key=Co-authored-by,valueonly)"])).toBe(`${REQUESTER.name} <${REQUESTER.email}>`);

      const log = collectingLog();
      const result = await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "agent/issue-1-demo", expectedRemoteSha: null, log });
      expect(result).toEqual({ sha, remoteRef: "refs/heads/agent/issue-1-demo", previousSha: null });

      // The bare repo has the branch, is consistent, and main is untouched.
      expect(server.git(repo, ["rev-parse", "refs/heads/agent/issue-1-demo"])).toBe(sha);
      expect(server.git(repo, ["rev-parse", "main"])).toBe(baseSha);
      server.git(repo, ["fsck", "--full", "--strict"]);
      expect(server.git(repo, ["log", "--format=%s", "agent/issue-1-demo"])).toBe("Fix the demo\ninitial commit");
      expect(server.pushes.at(-1)).toMatchObject({ repo, updates: [{ ref: "refs/heads/agent/issue-1-demo", oldSha: "0".repeat(40), newSha: sha }] });

      // The token is in no file of the workspace and no log line, after clone, commit and push.
      for (const form of tokenForms(TOKEN)) {
        expect(filesContaining(ws.root, form)).toEqual([]);
        expect(log.lines.join("\n")).not.toContain(form);
      }
    });
  });

  it("returns null when there is nothing to commit", async () => {
    await withClone(async (ws) => {
      write(ws, "dist/out.js", "ignored\n");
      expect(await commitAll({ dir: ws.repoDir, message: "nothing", author: BOT, maxFileBytes: 1000 })).toBeNull();
    });
  });

  it("pushes follow-up commits to an existing branch when it is where the job found it", async () => {
    await withClone(async (ws, repo, url, baseSha) => {
      write(ws, "README.md", "# demo v2\n");
      const sha = await commitAll({ dir: ws.repoDir, message: "follow-up", author: BOT, maxFileBytes: 1000 });
      await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "main", expectedRemoteSha: baseSha });
      expect(server.git(repo, ["rev-parse", "main"])).toBe(sha);
      server.git(repo, ["fsck", "--full"]);
    });
  });

  it("does not overwrite a branch that moved since the clone: BranchMovedError with both shas, remote unchanged", async () => {
    await withClone(async (ws, repo, url, baseSha) => {
      const humanSha = await server.commit(repo, { files: { "human.txt": "mine\n" }, message: "human commit" });
      write(ws, "README.md", "# agent change\n");
      await commitAll({ dir: ws.repoDir, message: "agent", author: BOT, maxFileBytes: 1000 });
      server.resetLog();

      const error = await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "main", expectedRemoteSha: baseSha }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BranchMovedError);
      expect(error).toMatchObject({ code: "workspace/branch-moved", expected: baseSha, actual: humanSha, branch: "main" });
      expect(server.git(repo, ["rev-parse", "main"])).toBe(humanSha);
      expect(server.pushes).toEqual([]); // discovery only: no receive-pack POST was sent
    });
  });

  it("does not overwrite a branch that was expected not to exist", async () => {
    await withClone(async (ws, repo, url) => {
      const otherSha = await server.commit(repo, { files: { "x.txt": "x\n" }, ref: "refs/heads/agent/issue-2" });
      await createBranch({ dir: ws.repoDir, name: "agent/issue-2" });
      write(ws, "y.txt", "y\n");
      await commitAll({ dir: ws.repoDir, message: "agent", author: BOT, maxFileBytes: 1000 });
      const error = await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "agent/issue-2", expectedRemoteSha: null }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "workspace/branch-moved", expected: null, actual: otherSha });
      expect(server.git(repo, ["rev-parse", "agent/issue-2"])).toBe(otherSha);
    });
  });

  it("never force-pushes: without an expected sha a diverged branch is still refused and kept", async () => {
    await withClone(async (ws, repo, url) => {
      const humanSha = await server.commit(repo, { files: { "human.txt": "mine\n" }, message: "human commit" });
      write(ws, "README.md", "# agent change\n");
      await commitAll({ dir: ws.repoDir, message: "agent", author: BOT, maxFileBytes: 1000 });
      const error = await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "main" }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toMatch(/^workspace\/(branch-moved|push)$/);
      expect(server.git(repo, ["rev-parse", "main"])).toBe(humanSha);
    });
  });

  it("refuses to commit files under a nested .git or a .GIT look-alike, and leaves HEAD unchanged", async () => {
    await withClone(async (ws, _repo, _url, baseSha) => {
      // Writes into the real .git are never working-tree changes...
      write(ws, ".git/hooks/pre-commit", "#!/bin/sh\ntouch /tmp/pwned\n");
      write(ws, "src/keep.ts", "export const keep = 3;\n");
      const sha = await commitAll({ dir: ws.repoDir, message: "ok", author: BOT, maxFileBytes: 1000 });
      expect(git(ws.repoDir, ["ls-tree", "-r", "--name-only", sha!])).not.toMatch(/hooks|pre-commit/);

      // ...and git metadata elsewhere in the tree is refused outright.
      write(ws, "vendor/lib/.git/config", "[core]\n\tfsmonitor = touch /tmp/pwned\n");
      write(ws, "docs/.GIT/hooks/post-checkout", "#!/bin/sh\n");
      write(ws, "src/keep.ts", "export const keep = 4;\n");
      const error = await commitAll({ dir: ws.repoDir, message: "bad", author: BOT, maxFileBytes: 1000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkspaceError);
      expect(error).toMatchObject({ code: "workspace/commit-refused" });
      expect([...(error as WorkspaceError).paths].sort()).toEqual(["docs/.GIT", "vendor/lib/.git"]);
      expect(git(ws.repoDir, ["rev-parse", "HEAD~1"])).toBe(baseSha);
      expect(git(ws.repoDir, ["rev-parse", "HEAD"])).toBe(sha);
    });
  });

  it("refuses files over the size cap, listing them", async () => {
    await withClone(async (ws, _repo, _url, baseSha) => {
      write(ws, "big.bin", Buffer.alloc(5000, 1));
      write(ws, "small.txt", "ok\n");
      const error = await commitAll({ dir: ws.repoDir, message: "big", author: BOT, maxFileBytes: 4096 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "workspace/commit-refused", paths: ["big.bin"] });
      expect((error as WorkspaceError).userMessage).toContain("big.bin");
      expect(git(ws.repoDir, ["rev-parse", "HEAD"])).toBe(baseSha);
    });
  });

  it.each([
    [
      "workflow permission",
      "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission",
      /workflows\*\* permission/,
    ],
    ["repository rules (GH013)", "GH013: Repository rule violations found for refs/heads/main.", /repository's rules/],
  ])("maps a server refusal for %s to a clear workspace/push error", async (_name, serverMessage, userText) => {
    await withClone(async (ws, repo, url, baseSha) => {
      server.setHook(repo, "pre-receive", `#!/bin/sh\necho "error: ${serverMessage.replace(/`/g, "\\`")}" >&2\nexit 1\n`);
      write(ws, ".github/workflows/ci.yml", "on: push\n");
      await commitAll({ dir: ws.repoDir, message: "ci", author: BOT, maxFileBytes: 1000 });
      const error = await pushBranch({ dir: ws.repoDir, url, token: TOKEN, branch: "main", expectedRemoteSha: baseSha }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkspaceError);
      expect(error).toMatchObject({ code: "workspace/push" });
      expect((error as WorkspaceError).userMessage).toMatch(userText);
      expect(server.git(repo, ["rev-parse", "main"])).toBe(baseSha);
    });
  });

  it("a wrong token on push is a typed auth error without the token", async () => {
    await withClone(async (ws, repo, url, baseSha) => {
      write(ws, "README.md", "changed\n");
      await commitAll({ dir: ws.repoDir, message: "x", author: BOT, maxFileBytes: 1000 });
      const wrong = "ghs_WrongPushTokenWrongPushToken01234567";
      const error = await pushBranch({ dir: ws.repoDir, url, token: wrong, branch: "main" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "workspace/auth" });
      expect(`${(error as Error).message}${String((error as Error).cause)}`).not.toContain(wrong);
      expect(server.git(repo, ["rev-parse", "main"])).toBe(baseSha);
    });
  });
});
