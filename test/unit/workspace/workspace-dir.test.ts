import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, sweepOrphanWorkspaces, withWorkspace, workspacesRoot } from "../../../src/workspace/index.js";
import { CancelledError } from "../../../src/shared/errors.js";
import { makeTempDir } from "../../helpers/git-fixtures.js";

describe("scratch workspaces", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = makeTempDir("ia-data-");
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  const listed = (): string[] => (existsSync(workspacesRoot(dataDir)) ? readdirSync(workspacesRoot(dataDir)) : []);

  it("creates <dataDir>/workspaces/<jobId>-<random>/{repo,scratch}, all mode 0700, unique per call", async () => {
    const a = await createWorkspace(dataDir, "job-42");
    const b = await createWorkspace(dataDir, "job-42");
    expect(a.root).not.toBe(b.root);
    expect(path.dirname(a.root)).toBe(path.join(dataDir, "workspaces"));
    expect(path.basename(a.root)).toMatch(/^job-42-[0-9a-f]{12}$/);
    for (const dir of [workspacesRoot(dataDir), a.root, a.repoDir, a.scratchDir]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(a.repoDir).toBe(path.join(a.root, "repo"));
    expect(a.scratchDir).toBe(path.join(a.root, "scratch"));
  });

  it("keeps a hostile job id inside workspaces/", async () => {
    const ws = await createWorkspace(dataDir, "../../etc/passwd");
    expect(path.dirname(ws.root)).toBe(workspacesRoot(dataDir));
    expect(path.basename(ws.root)).not.toContain("/");
  });

  it("removes the workspace after success and returns the value", async () => {
    let root = "";
    const value = await withWorkspace(dataDir, "ok", async (ws) => {
      root = ws.root;
      writeFileSync(path.join(ws.repoDir, "f.txt"), "x");
      return 7;
    });
    expect(value).toBe(7);
    expect(existsSync(root)).toBe(false);
    expect(listed()).toEqual([]);
  });

  it("removes the workspace after a thrown error, and rethrows it", async () => {
    await expect(
      withWorkspace(dataDir, "boom", async (ws) => {
        writeFileSync(path.join(ws.scratchDir, "tmp"), "x");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(listed()).toEqual([]);
  });

  it("removes the workspace after cancellation, even when the job made directories read-only", async () => {
    const controller = new AbortController();
    const run = withWorkspace(
      dataDir,
      "cancel",
      async (ws) => {
        const locked = path.join(ws.repoDir, "locked");
        mkdirSync(locked);
        writeFileSync(path.join(locked, "f"), "x");
        chmodSync(locked, 0o500);
        const aborted = new Promise((_resolve, reject) => controller.signal.addEventListener("abort", () => reject(new CancelledError())));
        // Cancel only once the job is listening, so a slow machine cannot abort before it started.
        setTimeout(() => controller.abort(), 20);
        await aborted;
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ code: "job/cancelled" });
    expect(listed()).toEqual([]);
  });

  it("does not create a workspace for an already-cancelled job", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(withWorkspace(dataDir, "late", async () => 1, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(listed()).toEqual([]);
  });

  it("sweeps orphans at start-up, keeping active jobs and recent directories", async () => {
    const old = await createWorkspace(dataDir, "crashed");
    const active = await createWorkspace(dataDir, "running");
    const recent = await createWorkspace(dataDir, "young");
    writeFileSync(path.join(old.repoDir, "left-over"), "x");
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    for (const ws of [old, active]) utimesSync(ws.root, hourAgo, hourAgo);

    const removed = await sweepOrphanWorkspaces(dataDir, { olderThanMs: 60_000, activeIds: ["running"] });
    expect(removed).toEqual([old.id]);
    expect(listed().sort()).toEqual([active.id, recent.id].sort());

    expect(await sweepOrphanWorkspaces(dataDir)).toHaveLength(2);
    expect(listed()).toEqual([]);
  });

  it("sweeping a data dir without workspaces is a no-op", async () => {
    expect(await sweepOrphanWorkspaces(dataDir)).toEqual([]);
  });
});
