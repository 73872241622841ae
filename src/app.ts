/**
 * The Probot application function: wiring only. Each trigger has its own handler file in
 * src/handlers/ that checks who is asking, acknowledges and enqueues a job.
 */
import type { ApplicationFunction, Probot } from "probot";
import type { Env } from "./config/env.js";
import type { JobQueue } from "./jobs/types.js";

export interface AppDeps {
  env: Env;
  queue: JobQueue;
}

export function createApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    app.log.debug({ queue: deps.queue.constructor.name }, "issue-agent handlers registered");
  };
}
