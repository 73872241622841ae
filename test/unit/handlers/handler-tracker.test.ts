import pino from "pino";
import { describe, expect, it } from "vitest";
import { acknowledgeFirst, createHandlerTracker } from "../../../src/handlers/handler-tracker.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("acknowledge first, then handle", () => {
  it("returns to Probot before the handler's work is done, and idle() waits for it", async () => {
    const tracker = createHandlerTracker();
    const gate = deferred();
    let done = false;
    const handler = acknowledgeFirst(tracker, async () => {
      await gate.promise;
      done = true;
    });
    await handler({ id: "d1", log: pino({ level: "silent" }) });
    expect(done).toBe(false);
    expect(tracker.inFlight).toBe(1);
    const idle = tracker.idle();
    gate.resolve();
    await idle;
    expect(done).toBe(true);
    expect(tracker.inFlight).toBe(0);
  });

  it("handles a delivery id once while it is in flight (a redelivery arriving meanwhile is skipped)", async () => {
    const tracker = createHandlerTracker();
    const gate = deferred();
    let runs = 0;
    const handler = acknowledgeFirst(tracker, async () => {
      runs++;
      await gate.promise;
    });
    const log = pino({ level: "silent" });
    await handler({ id: "same", log });
    await handler({ id: "same", log });
    await handler({ id: "other", log });
    gate.resolve();
    await tracker.idle();
    expect(runs).toBe(2);
  });

  it("logs a failing handler with its delivery id instead of crashing", async () => {
    const tracker = createHandlerTracker();
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => void lines.push(line) });
    await acknowledgeFirst(tracker, async () => {
      throw new Error("GitHub said 502");
    })({ id: "d9", log });
    await tracker.idle();
    expect(lines.join("")).toMatch(/"delivery":"d9".*webhook handler failed/);
  });
});
