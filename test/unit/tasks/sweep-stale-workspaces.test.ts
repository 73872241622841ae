import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { sweepStaleWorkspaces } from "../../../src/tasks/sweep-stale-workspaces.js";
import { createWorkspace } from "../../../src/workspace/index.js";

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("sweeping orphaned workspaces", () => {
  it("removes a crashed run's workspace older than the longest run, and keeps a live one", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sweep-"));
    const env = parseEnv({ AGENT_DATA_DIR: dataDir, AGENT_MAX_MINUTES: "30" });
    const crashed = await createWorkspace(dataDir, "crashed-job");
    const live = await createWorkspace(dataDir, "live-job");
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(crashed.root, hourAgo, hourAgo);

    const removed = await sweepStaleWorkspaces(env, pino({ level: "silent" }));

    expect(removed).toEqual([crashed.id]);
    expect(await readdir(path.dirname(live.root))).toEqual([live.id]);
  });
});
