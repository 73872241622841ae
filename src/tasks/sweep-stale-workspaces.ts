/**
 * Clean-up of workspaces a crashed process left behind, at start-up and then every ten minutes.
 * Several processes may share one data dir (the web process and `npm run worker` without Redis,
 * or workers on one host), so only workspaces older than the longest possible run are removed:
 * a live job's workspace is never younger than its run, and never older than AGENT_MAX_MINUTES.
 */
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { sweepOrphanWorkspaces } from "../workspace/index.js";

const MARGIN_MS = 15 * 60_000;
const EVERY_MS = 10 * 60_000;

export async function sweepStaleWorkspaces(env: Env, log: Pick<Logger, "info" | "warn">): Promise<string[]> {
  try {
    const removed = await sweepOrphanWorkspaces(env.AGENT_DATA_DIR, { olderThanMs: env.AGENT_MAX_MINUTES * 60_000 + MARGIN_MS });
    if (removed.length > 0) log.info({ removed: removed.length }, "removed orphaned workspaces");
    return removed;
  } catch (error) {
    log.warn({ err: error }, "could not sweep orphaned workspaces");
    return [];
  }
}

/** Sweep now and then periodically; the timer does not keep the process alive. */
export function startWorkspaceSweeper(env: Env, log: Pick<Logger, "info" | "warn">): () => void {
  void sweepStaleWorkspaces(env, log);
  const timer = setInterval(() => void sweepStaleWorkspaces(env, log), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
