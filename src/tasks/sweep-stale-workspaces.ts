/**
 * Clean-up of workspaces a crashed process left behind, at start-up and then every ten minutes.
 * Several processes may share one data dir (the web process and `npm run worker` without Redis,
 * or workers on one host), and a run has no fixed maximum length (setup commands and waiting are
 * not part of AGENT_MAX_MINUTES), so age alone cannot tell a live workspace from a dead one: the
 * queue is asked which jobs are running in any process that shares it (the sqlite file, or Redis),
 * and their workspaces are kept whatever their age. A workspace is removed only when its job is
 * not running and it is older than a few minutes (a job that starts between the question and the
 * sweep is that young). If the queue cannot answer, nothing is removed.
 */
import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import { sweepOrphanWorkspaces } from "../workspace/index.js";

/** Younger workspaces are never swept: covers a job that started while the sweep was looking. */
export const MIN_ORPHAN_AGE_MS = 15 * 60_000;
const EVERY_MS = 10 * 60_000;

/** Ids of the jobs running in any process that shares this data dir's queue. */
export type LiveJobIds = () => Promise<string[]>;

export async function sweepStaleWorkspaces(env: Env, log: Pick<Logger, "info" | "warn">, liveJobIds: LiveJobIds): Promise<string[]> {
  let live: string[];
  try {
    live = await liveJobIds();
  } catch (error) {
    log.warn({ err: error }, "the queue could not say which jobs are running; workspaces not swept");
    return [];
  }
  try {
    const removed = await sweepOrphanWorkspaces(env.AGENT_DATA_DIR, { olderThanMs: MIN_ORPHAN_AGE_MS, activeIds: live });
    if (removed.length > 0) log.info({ removed: removed.length, live: live.length }, "removed orphaned workspaces");
    return removed;
  } catch (error) {
    log.warn({ err: error }, "could not sweep orphaned workspaces");
    return [];
  }
}

/** Sweep now and then periodically; the timer does not keep the process alive. */
export function startWorkspaceSweeper(env: Env, log: Pick<Logger, "info" | "warn">, liveJobIds: LiveJobIds): () => void {
  void sweepStaleWorkspaces(env, log, liveJobIds);
  const timer = setInterval(() => void sweepStaleWorkspaces(env, log, liveJobIds), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
