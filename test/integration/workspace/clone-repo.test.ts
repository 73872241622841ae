import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cloneRepo, withWorkspace, WorkspaceError, type Workspace } from "../../../src/workspace/index.js";
import { git, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { collectingLog, filesContaining, TOKEN, tokenForms } from "./workspace-test-kit.js";

describe("cloneRepo", () => {
  let server: GitServer;
  let url: string;
  let mainSha: string;
  let prSha: string;
  const dataDir = makeTempDir("ia-data-");

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    url = await server.createBareRepo("demo", {
      "README.md": "# demo\n",
      "bin/run.sh": { content: "#!/bin/sh\necho hi\n", executable: true },
      ".gitignore": "dist/\n",
    });
    await server.commit("demo", { files: { "src/a.ts": "export const a = 1;\n" }, message: "second" });
    mainSha = await server.commit("demo", { files: { "src/a.ts": "export const a = 2;\n" }, message: "third" });
    prSha = await server.commit("demo", { files: { "src/pr.ts": "export const pr = true;\n" }, ref: "refs/pull/1/head", message: "pr commit" });
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => server.resetLog());

  const inWorkspace = <T>(fn: (ws: Workspace) => Promise<T>): Promise<T> => withWorkspace(dataDir, "clone-test", fn);

  it("clones the default branch shallowly and checks it out on a local branch", async () => {
    await inWorkspace(async (ws) => {
      const result = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN });
      expect(result).toMatchObject({ headSha: mainSha, branch: "main", fetchedRef: "refs/heads/main", defaultBranch: "main" });
      expect(readFileSync(path.join(ws.repoDir, "src/a.ts"), "utf8")).toBe("export const a = 2;\n");
      expect(statSync(path.join(ws.repoDir, "bin/run.sh")).mode & 0o111).not.toBe(0);
      // Native git agrees: one commit of history, on main, clean tree.
      expect(git(ws.repoDir, ["rev-list", "--count", "HEAD"])).toBe("1");
      expect(git(ws.repoDir, ["rev-parse", "--abbrev-ref", "HEAD"])).toBe("main");
      expect(git(ws.repoDir, ["status", "--porcelain"])).toBe("");
    });
  });

  it("honours depth, and depth 0 fetches the full history", async () => {
    await inWorkspace(async (ws) => {
      await cloneRepo({ dir: ws.repoDir, url, token: TOKEN, depth: 2 });
      expect(git(ws.repoDir, ["rev-list", "--count", "HEAD"])).toBe("2");
    });
    await inWorkspace(async (ws) => {
      await cloneRepo({ dir: ws.repoDir, url, token: TOKEN, depth: 0 });
      expect(git(ws.repoDir, ["rev-list", "--count", "HEAD"])).toBe("3");
      expect(existsSync(path.join(ws.repoDir, ".git/shallow"))).toBe(false);
    });
  });

  it("clones a PR head ref (refs/pull/N/head) detached at its commit", async () => {
    await inWorkspace(async (ws) => {
      const result = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN, ref: "refs/pull/1/head" });
      expect(result).toMatchObject({ headSha: prSha, branch: null, fetchedRef: "refs/pull/1/head" });
      expect(readFileSync(path.join(ws.repoDir, "src/pr.ts"), "utf8")).toContain("pr = true");
      expect(git(ws.repoDir, ["rev-parse", "HEAD"])).toBe(prSha);
    });
  });

  it("authenticates only via onAuth as x-access-token, and the token is in no workspace file or log line", async () => {
    const log = collectingLog();
    await inWorkspace(async (ws) => {
      await cloneRepo({ dir: ws.repoDir, url, token: TOKEN, log });
      const config = readFileSync(path.join(ws.repoDir, ".git/config"), "utf8");
      expect(config).toContain(`url = ${url}`);
      for (const form of tokenForms(TOKEN)) {
        expect(config).not.toContain(form);
        expect(filesContaining(ws.root, form)).toEqual([]);
        expect(log.lines.join("\n")).not.toContain(form);
      }
      expect(log.lines.map((l) => JSON.parse(l).msg)).toEqual(["clone started", "clone finished"]);
    });
    const authorized = server.requests.filter((r) => r.authorized);
    expect(authorized.length).toBeGreaterThan(0);
    expect(authorized[0]?.authorization).toBe(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`);
  });

  it("a wrong token gives a typed auth error that does not contain the token, in the message or the log", async () => {
    const wrong = "ghs_WrongTokenWrongTokenWrongToken0123456";
    const log = collectingLog();
    await inWorkspace(async (ws) => {
      const error = await cloneRepo({ dir: ws.repoDir, url, token: wrong, log }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkspaceError);
      expect((error as WorkspaceError).code).toBe("workspace/auth");
      const everything = `${(error as Error).message}\n${(error as WorkspaceError).userMessage}\n${String((error as Error).cause)}\n${log.lines.join("\n")}`;
      for (const form of tokenForms(wrong)) expect(everything).not.toContain(form);
      expect(filesContaining(ws.root, wrong)).toEqual([]);
    });
    // One retry with credentials after the anonymous 401, then it stops: no retry loop.
    expect(server.requests.map((r) => r.status)).toEqual([401, 401]);
  });

  it("refuses a URL with credentials in it before any request", async () => {
    await inWorkspace(async (ws) => {
      const withCreds = url.replace("http://", `http://x-access-token:${TOKEN}@`);
      const error = await cloneRepo({ dir: ws.repoDir, url: withCreds }).catch((e: unknown) => e);
      expect((error as WorkspaceError).code).toBe("workspace/clone");
      expect((error as Error).message).not.toContain(TOKEN);
      expect(filesContaining(ws.root, TOKEN)).toEqual([]);
    });
    expect(server.requests).toEqual([]);
  });

  it("stops a clone over the size cap while downloading, before the pack is written", async () => {
    await server.createBareRepo("big", { "blob.bin": randomBytes(2 * 1024 * 1024) });
    await inWorkspace(async (ws) => {
      const error = await cloneRepo({ dir: ws.repoDir, url: server.urlFor("big"), token: TOKEN, maxBytes: 256 * 1024 }).catch((e: unknown) => e);
      expect((error as WorkspaceError).code).toBe("workspace/too-large");
      expect((error as WorkspaceError).userMessage).toMatch(/larger than/);
      expect(readdirSync(path.join(ws.repoDir, ".git/objects/pack"))).toEqual([]);
      expect(existsSync(path.join(ws.repoDir, "blob.bin"))).toBe(false);
    });
  });

  it("stops on cancellation with a CancelledError and checks nothing out", async () => {
    await inWorkspace(async (ws) => {
      const controller = new AbortController();
      const clone = cloneRepo({ dir: ws.repoDir, url, token: TOKEN, signal: controller.signal });
      controller.abort();
      await expect(clone).rejects.toMatchObject({ code: "job/cancelled" });
      expect(existsSync(path.join(ws.repoDir, "README.md"))).toBe(false);
    });
  });

  it("reports a missing ref as workspace/not-found", async () => {
    await inWorkspace(async (ws) => {
      const error = await cloneRepo({ dir: ws.repoDir, url, token: TOKEN, ref: "refs/pull/99/head" }).catch((e: unknown) => e);
      expect((error as WorkspaceError).code).toBe("workspace/not-found");
    });
  });
});
