/**
 * `issues.closed` and `pull_request.closed`: the work is no longer wanted, so the running job and
 * the queued ones for that issue or PR are cancelled (the running agent gets its AbortSignal and
 * the task ends its status comment as stopped). Nothing is posted here; no permission is needed
 * because closing already required write access.
 */
import type { Context } from "probot";
import { jobKey } from "../tasks/job-payloads.js";
import type { HandlerDeps } from "./trigger-flow.js";

export function handleRunClosed(deps: Pick<HandlerDeps, "queue">) {
  return async (context: Context<"issues.closed" | "pull_request.closed">): Promise<void> => {
    const { payload } = context;
    const number = "issue" in payload ? payload.issue.number : payload.pull_request.number;
    const key = jobKey(payload.repository.owner.login, payload.repository.name, number);
    const cancelled = await deps.queue.cancel(key);
    if (cancelled > 0) context.log.info({ delivery: context.id, key, cancelled }, "runs cancelled: closed");
  };
}
