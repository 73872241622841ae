import { describe, expect, it } from "vitest";
import type { RunAgentResult } from "../../../src/agent/types.js";
import { followUpText, remainingLimits } from "../../../src/tasks/self-review.js";
import type { Finding } from "../../../src/review/types.js";

const spent = (turns: number, tokens: number, usd: number): RunAgentResult => ({
  outcome: "completed",
  summary: "",
  prTitle: "",
  prBody: "",
  plan: [],
  usage: { input: tokens, cachedInput: 0, output: 0, reasoning: 0 },
  costUsd: usd,
  turns,
  testsRun: [],
});

describe("self-review follow-ups share the run's budget", () => {
  const limits = { maxTurns: 10, maxMinutes: 30, maxTokens: 100_000, maxUsd: 2 };

  it("gives the follow-up only what is left", () => {
    expect(remainingLimits(limits, spent(4, 30_000, 0.5), 10 * 60_000)).toEqual({ maxTurns: 6, maxMinutes: 20, maxTokens: 70_000, maxUsd: 1.5 });
  });

  it.each([
    ["turns", spent(10, 1, 0.01), 0],
    ["tokens", spent(1, 100_000, 0.01), 0],
    ["dollars", spent(1, 1, 2), 0],
    ["minutes", spent(1, 1, 0.01), 29.8 * 60_000],
  ])("none once the %s are spent", (_what, result, elapsed) => {
    expect(remainingLimits(limits, result, elapsed)).toBeNull();
  });
});

describe("the follow-up task", () => {
  it("lists the findings, keeps the original request, and caps the list", () => {
    const f = (i: number): Finding => ({
      path: `src/f${i}.js`,
      line: i,
      side: "RIGHT",
      severity: "high",
      cwe: "CWE-89",
      title: `SQL injection ${i}`,
      explanation: "Concatenated   SQL.\nUse parameters.",
      source: "model",
      fingerprint: `${i}`,
    });
    const text = followUpText(
      "Add a user search.",
      Array.from({ length: 35 }, (_, i) => f(i + 1)),
    );
    expect(text).toContain("- [high] src/f1.js:1 — SQL injection 1 (CWE-89)\n  Concatenated SQL. Use parameters.");
    expect(text).toContain("- …and 5 more");
    expect(text).not.toContain("SQL injection 31");
    expect(text.trimEnd().endsWith("Add a user search.")).toBe(true);
  });
});
