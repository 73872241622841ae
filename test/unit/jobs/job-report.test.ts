import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createJobReport, failureFacts, logJobFinished, subjectOf } from "../../../src/jobs/job-report.js";
import { withRetry } from "../../../src/agent/model/with-retry.js";
import { AppError } from "../../../src/shared/errors.js";

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

describe("job report", () => {
  it("takes repository and issue/PR number from any job payload", () => {
    expect(subjectOf({ owner: "o", repo: "r", issueNumber: 3 })).toEqual({ repo: "o/r", number: 3 });
    expect(subjectOf({ owner: "o", repo: "r", prNumber: 7 })).toEqual({ repo: "o/r", number: 7 });
    expect(subjectOf({})).toEqual({});
  });

  it("the failure reason is the error code and message with its causes, secrets redacted", () => {
    const token = "ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    const error = new AppError("workspace/push", "push failed", { cause: new Error(`remote said no to https://x-access-token:${token}@github.com/o/r`) });
    const facts = failureFacts(error);
    expect(facts.errorCode).toBe("workspace/push");
    expect(facts.errorMessage).toMatch(/push failed: caused by: remote said no/);
    expect(facts.errorMessage).not.toContain(token);
    expect(failureFacts(new Error("boom"), ["my-literal-secret"])).toEqual({ errorCode: "internal", errorMessage: "boom" });
    expect(failureFacts(new Error("leaked my-literal-secret"), ["my-literal-secret"]).errorMessage).toBe("leaked [REDACTED]");
  });

  it("`job finished`: info for a success, error with the reason for a failure, cost unknown for an unpriced model", () => {
    const { log, lines } = collectingLogger();
    logJobFinished(log, "succeeded", 12.345, {
      repo: "o/r",
      number: 1,
      prUrl: "https://github.com/o/r/pull/2",
      turns: 4,
      tokens: 1000,
      costUsd: 0.25,
      step: "x",
      startedAt: 1,
    });
    logJobFinished(log, "failed", 3, { repo: "o/r", number: 1, turns: 1, tokens: 0, costUsd: null, errorCode: "model/auth", errorMessage: "refused" });
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: "job finished",
      outcome: "succeeded",
      seconds: 12.35,
      repo: "o/r",
      number: 1,
      prUrl: "https://github.com/o/r/pull/2",
      turns: 4,
      tokens: 1000,
      costUsd: 0.25,
    });
    expect(lines[0]).not.toHaveProperty("step");
    expect(lines[0]).not.toHaveProperty("reason");
    expect(lines[1]).toMatchObject({ level: 50, outcome: "failed", costUsd: "unknown", reason: { code: "model/auth", message: "refused" } });
  });

  it("progress is written at most once per interval, always with the latest facts", async () => {
    const writes: unknown[] = [];
    const report = createJobReport({ payload: { owner: "o", repo: "r", issueNumber: 1 } }, async (f) => void writes.push(f), 50);
    report.add({ turns: 1 });
    report.add({ turns: 2 });
    report.add({ turns: 3 });
    await new Promise((r) => setTimeout(r, 120));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ repo: "o/r", number: 1, turns: 3 });
    report.add({ prUrl: "u" });
    await report.flush();
    expect(writes.at(-1)).toMatchObject({ turns: 3, prUrl: "u" });
  });
});

describe("model errors in public", () => {
  it("the message for the operator names the endpoint host; the user message does not", async () => {
    const error = await withRetry(
      async () => {
        throw Object.assign(new TypeError("fetch failed"), { name: "APIConnectionError" });
      },
      { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, host: "llm.internal.example:8000" },
    ).catch((e: unknown) => e as AppError);
    expect(error.code).toMatch(/^model\//);
    expect(error.message).toContain("llm.internal.example");
    expect(error.userMessage).not.toContain("llm.internal.example");
  });
});
