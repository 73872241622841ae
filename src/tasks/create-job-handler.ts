/**
 * The worker's JobHandler: dispatch by job kind. main.ts / the worker process builds the deps
 * once (create-task-deps.ts) and hands `createJobHandler(deps)` to `queue.startWorker`.
 */
import type { JobContext, JobHandler, JobOutcome } from "../jobs/types.js";
import { runFixPr } from "./fix-pr.js";
import { runResolveIssue } from "./resolve-issue.js";
import type { TaskDeps } from "./task-deps.js";

export interface JobHandlerDeps extends TaskDeps {
  /** The security-review task (src/tasks/security-review.ts), injected to keep the kinds decoupled. */
  runSecurityReview?: (job: JobContext) => Promise<JobOutcome>;
}

export function createJobHandler(deps: JobHandlerDeps): JobHandler {
  return async (job) => {
    switch (job.kind) {
      case "resolve-issue":
        return runResolveIssue(deps, job);
      case "fix-pr":
        return runFixPr(deps, job);
      case "security-review":
        if (!deps.runSecurityReview) {
          job.log.warn("security review is not wired in this worker");
          return "failed";
        }
        return deps.runSecurityReview(job);
    }
  };
}
