import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitOps } from "../../../src/tasks/task-deps.js";
import { createGitOps } from "../../../src/workspace/index.js";
import { makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { BOT, REQUESTER, TOKEN, tokenForms } from "./workspace-test-kit.js";

describe("createGitOps (the tasks' view of the workspace)", () => {
  let server: GitServer;
  const dataDir = makeTempDir("ia-data-");
  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs clone -> branch -> commit -> push in a workspace that is gone afterwards", async () => {
    const url = await server.createBareRepo("ops", { "README.md": "hi\n", ".github/agent.yml": "x: 1\n" });
    // A plain pino logger without redaction: only the workspace's own discipline keeps the token out.
    let output = "";
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((output += chunk.toString("utf8")), done()) });
    const ops: GitOps = createGitOps({ dataDir, maxRepoBytes: 10 * 1024 * 1024, log: pino({ level: "debug" }, sink) });
    const pushed = await ops.withWorkspace("job-ops", async (dir) => {
      const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN });
      await ops.createBranch({ dir, name: "agent/issue-9" });
      writeFileSync(path.join(dir, "README.md"), "hello\n");
      renameSync(path.join(dir, ".github/agent.yml"), path.join(dir, "agent.yml"));
      expect(await ops.changedFiles({ dir, baseSha: headSha })).toEqual([".github/agent.yml", "README.md", "agent.yml"]);
      expect(await ops.unifiedDiff({ dir, baseSha: headSha })).toContain("+hello");
      const sha = await ops.commitAll({ dir, message: "Fix #9", author: BOT, coAuthors: [REQUESTER] });
      await ops.push({ dir, url, branch: "agent/issue-9", token: TOKEN, expectedRemoteSha: null });
      return sha;
    });
    expect(server.git("ops", ["rev-parse", "agent/issue-9"])).toBe(pushed);
    expect(output).toContain("push finished");
    for (const form of tokenForms(TOKEN)) expect(output).not.toContain(form);
    expect(existsSync(path.join(dataDir, "workspaces")) ? readdirSync(path.join(dataDir, "workspaces")) : []).toEqual([]);
  });
});
