import { existsSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import { sweepStaleWorkspaces } from "../../../src/tasks/sweep-stale-workspaces.js";
import { createWorkspace, workspacesRoot } from "../../../src/workspace/index.js";
import { deferred, waitFor } from "../jobs/queue-test-kit.js";

const log = pino({ level: "silent" });
let dataDir: string | undefined;
const queues: EmbeddedQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close(0)));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

describe("sweeping orphaned workspaces", () => {
  it("a sweep from another process during a long setup command leaves the live job's workspace, and removes a crashed run's", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sweep-"));
    const env = parseEnv({ AGENT_DATA_DIR: dataDir, AGENT_MAX_MINUTES: "30" });
    // The worker process runs the job; the web process (same data dir) runs the sweeper.
    const worker = new EmbeddedQueue({ dataDir, log, concurrency: 1, maxAttempts: 1, graceMs: 1000, pollMs: 20 });
    const web = new EmbeddedQueue({ dataDir, log, concurrency: 1, maxAttempts: 1, graceMs: 1000, pollMs: 20 });
    queues.push(worker, web);
    const crashed = await createWorkspace(dataDir, "crashed-job");
    utimesSync(crashed.root, hoursAgo(3), hoursAgo(3));

    const setupRunning = deferred<string>();
    const setupDone = deferred();
    await worker.enqueue({ kind: "resolve-issue", key: "o/r#1", deliveryId: "d-1", payload: {} });
    await worker.startWorker(async (job) => {
      const ws = await createWorkspace(dataDir ?? "", job.id);
      // `npm ci` that takes longer than AGENT_MAX_MINUTES + 15 minutes: the workspace is old.
      utimesSync(ws.root, hoursAgo(2), hoursAgo(2));
      setupRunning.resolve(ws.root);
      await setupDone.promise;
      return "succeeded";
    });
    const live = await setupRunning.promise;

    const removed = await sweepStaleWorkspaces(env, log, () => web.liveJobIds());

    expect(removed).toEqual([crashed.id]);
    expect(existsSync(live)).toBe(true);
    setupDone.resolve();
    await waitFor(async () => (await web.liveJobIds()).length === 0, "the job to finish");
  });

  it("keeps young workspaces (a job may start while the sweep looks) and sweeps nothing when the queue cannot answer", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sweep-"));
    const env = parseEnv({ AGENT_DATA_DIR: dataDir });
    const young = await createWorkspace(dataDir, "just-started");
    const old = await createWorkspace(dataDir, "dead-long-ago");
    utimesSync(old.root, hoursAgo(5), hoursAgo(5));

    expect(await sweepStaleWorkspaces(env, log, () => Promise.reject(new Error("redis down")))).toEqual([]);
    expect((await readdir(workspacesRoot(dataDir))).sort()).toEqual([young.id, old.id].sort());

    expect(await sweepStaleWorkspaces(env, log, async () => [])).toEqual([old.id]);
    expect(await readdir(workspacesRoot(dataDir))).toEqual([young.id]);
  });
});
