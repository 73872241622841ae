import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, gitAsync, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";

const TOKEN = "ghs_servertesttoken000000000000000000000";
const header = (token: string): string => `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;

describe("test git server", () => {
  let server: GitServer;
  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
  });
  afterAll(async () => {
    await server.close();
  });

  it("serves a bare repo to native git with the right token and records the push", async () => {
    const url = await server.createBareRepo("native", { "README.md": "hello\n" });
    const dir = makeTempDir();
    try {
      await gitAsync(dir, ["-c", header(TOKEN), "clone", "-q", url, "."]);
      expect(git(dir, ["log", "--format=%s"])).toBe("initial commit");
      git(dir, ["commit", "-q", "--allow-empty", "-m", "second"]);
      await gitAsync(dir, ["-c", header(TOKEN), "push", "-q", "origin", "HEAD:refs/heads/feature"]);
      expect(server.git("native", ["log", "--format=%s", "feature"])).toBe("second\ninitial commit");
      expect(server.pushes.at(-1)?.updates).toEqual([expect.objectContaining({ ref: "refs/heads/feature", oldSha: "0".repeat(40) })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers 401 to a wrong token and records it", async () => {
    const url = await server.createBareRepo("locked", { "a.txt": "a\n" });
    const dir = makeTempDir();
    server.resetLog();
    try {
      await expect(gitAsync(dir, ["-c", header("wrong-token"), "clone", "-q", url, "."])).rejects.toThrow();
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.status === 401 && !r.authorized)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("commit() adds history natively, including to refs/pull/N/head", async () => {
    await server.createBareRepo("commits", { "a.txt": "a\n" });
    const sha = await server.commit("commits", { files: { "b.txt": "b\n" }, ref: "refs/pull/7/head", message: "pr" });
    expect(server.git("commits", ["rev-parse", "refs/pull/7/head"])).toBe(sha);
    expect(server.git("commits", ["log", "--format=%s", "main"])).toBe("initial commit");
  });
});
