import pino from "pino";
import type { Context } from "probot";
import { describe, expect, it } from "vitest";
import { handleRunClosed } from "../../../src/handlers/run-closed.js";
import type { JobQueue } from "../../../src/jobs/types.js";

function queueSpy(running: Set<string>) {
  const cancelled: string[] = [];
  const queue = { cancel: async (key: string) => (cancelled.push(key), running.has(key) ? 1 : 0) } as unknown as JobQueue; // only cancel is used
  return { queue, cancelled };
}

const repository = { name: "Hello-World", owner: { login: "Octo" } };

describe("closing an issue or a pull request", () => {
  it("cancels the runs of that issue", async () => {
    const { queue, cancelled } = queueSpy(new Set(["octo/hello-world#7"]));
    const context = { id: "d1", log: pino({ level: "silent" }), payload: { action: "closed", repository, issue: { number: 7 } } } as unknown as Context<"issues.closed">;
    await handleRunClosed({ queue })(context);
    expect(cancelled).toEqual(["octo/hello-world#7"]);
  });

  it("cancels the runs of that pull request (same key as fix-pr and review jobs)", async () => {
    const { queue, cancelled } = queueSpy(new Set());
    const context = { id: "d2", log: pino({ level: "silent" }), payload: { action: "closed", repository, pull_request: { number: 12 } } } as unknown as Context<"pull_request.closed">;
    await handleRunClosed({ queue })(context);
    expect(cancelled).toEqual(["octo/hello-world#12"]);
  });
});
