import { describe, expect, it } from "vitest";
import { buildInstructions } from "../../../src/agent/build-instructions.js";
import { createAgentReviewer, REVIEW_TOOL_NAMES } from "../../../src/review/agent-reviewer.js";
import type { RunAgentInput, RunAgentResult } from "../../../src/agent/types.js";
import type { Sandbox } from "../../../src/sandbox/types.js";

// Tools and outputs that only a coding run has: a reviewer told to use them would try and fail.
const CODING_ONLY = [/apply_patch/, /\bshell\b/, /update_plan/, /Title:/, /pull request title/i, /\bpatch\b.*\bfiles?\b/i];

describe("the review agent's instructions", () => {
  it("come from the review prompts, name only the review's tools and none of the coding run's", async () => {
    let seen: RunAgentInput | undefined;
    const runAgent = async (input: RunAgentInput): Promise<RunAgentResult> => {
      seen = input;
      return {
        outcome: "completed",
        summary: "ok",
        prTitle: "",
        prBody: "",
        plan: [],
        usage: { input: 0, cachedInput: 0, output: 0, reasoning: 0 },
        costUsd: 0,
        turns: 1,
        testsRun: [],
      } as RunAgentResult;
    };
    const sandbox = { policy: { mode: "read-only", network: "off" } } as unknown as Sandbox;
    const review = createAgentReviewer({
      runAgent,
      workspaceDir: "/nonexistent",
      sandbox,
      model: { name: "gpt-5", wireApi: "responses" },
      limits: { maxTurns: 5, maxMinutes: 5, maxTokens: 100_000, maxUsd: 1 },
    } as Parameters<typeof createAgentReviewer>[0]);
    await review({ task: "Review this diff", instructions: "", signal: undefined } as Parameters<typeof review>[0]);
    const instructions = await buildInstructions({ ...seen!, skipRepoInstructions: true });
    expect(instructions).toMatch(/read-only/);
    expect(instructions).toMatch(/report_finding/);
    for (const pattern of CODING_ONLY) expect(instructions).not.toMatch(pattern);
    for (const tool of REVIEW_TOOL_NAMES.filter((t) => t !== "report_finding")) expect(instructions).toContain(tool);
    // And the coding run still gets its own base.
    const coding = await buildInstructions({ ...seen!, task: { kind: "resolve-issue", text: "x" }, skipRepoInstructions: true });
    expect(coding).toMatch(/apply_patch/);
  });
});
