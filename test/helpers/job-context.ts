/** A queue job as a task sees it, with silent logs and no steering messages; tests override what they need. */
import pino from "pino";
import type { JobContext } from "../../src/jobs/types.js";

export function fakeJob(over: Partial<JobContext> & Pick<JobContext, "kind" | "key" | "payload">): JobContext {
  return {
    id: "job-1",
    deliveryId: "d1",
    attempt: 1,
    maxAttempts: 1,
    signal: new AbortController().signal,
    log: pino({ level: "silent" }),
    takeMessages: () => [],
    report: () => undefined,
    ...over,
  };
}
