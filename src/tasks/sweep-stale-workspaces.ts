/**
 * Start-up clean-up of workspaces a crashed process left behind. A process that owns the data dir
 * (embedded mode) removes them all; workers that may share a data dir with other live workers on
 * the same host remove only those older than the longest possible run.
 */
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { sweepOrphanWorkspaces } from "../workspace/index.js";

const MARGIN_MS = 15 * 60_000;

export async function sweepStaleWorkspaces(env: Env, log: Pick<Logger, "info" | "warn">, options: { ownsDataDir: boolean }): Promise<string[]> {
  const olderThanMs = options.ownsDataDir ? 0 : env.AGENT_MAX_MINUTES * 60_000 + MARGIN_MS;
  try {
    const removed = await sweepOrphanWorkspaces(env.AGENT_DATA_DIR, { olderThanMs });
    if (removed.length > 0) log.info({ removed: removed.length }, "removed orphaned workspaces");
    return removed;
  } catch (error) {
    log.warn({ err: error }, "could not sweep orphaned workspaces");
    return [];
  }
}
