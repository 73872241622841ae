/**
 * The worker's JobHandler: dispatch by job kind. main.ts / the worker process builds the deps
 * once (create-task-deps.ts) and hands `createJobHandler(deps)` to `queue.startWorker`.
 */
import type { JobContext, JobHandler, JobOutcome } from "../jobs/types.js";
import { runFixPr } from "./fix-pr.js";
import { runResolveIssue } from "./resolve-issue.js";
import { runSecurityReview } from "./security-review.js";
import type { TaskDeps } from "./task-deps.js";

export interface JobHandlerDeps extends TaskDeps {
  /** Override the security-review task (tests); defaults to src/tasks/security-review.ts. */
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
        return deps.runSecurityReview ? deps.runSecurityReview(job) : runSecurityReview(deps, job);
    }
  };
}
