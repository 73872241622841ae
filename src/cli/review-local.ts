/**
 * The review the app runs on a PR, applied to a local diff: src/review's reviewDiff with, when a
 * model is set, the same read-only agent reviewer (read-only sandbox, network off, no AGENTS.md
 * from the code under review).
 */
import { runAgent } from "../agent/index.js";
import { createAgentReviewer } from "../review/agent-reviewer.js";
import { reviewDiff } from "../review/review-diff.js";
import type { ReviewResult } from "../review/types.js";
import { createSandbox } from "../sandbox/index.js";
import type { LocalReviewInput } from "./review-command.js";

export async function reviewLocal(input: LocalReviewInput): Promise<ReviewResult> {
  const reviewer = input.model
    ? createAgentReviewer({
        runAgent: (agentInput) => runAgent(agentInput),
        workspaceDir: input.workspaceDir,
        sandbox: createSandbox({ mode: "read-only", workspaceDir: input.workspaceDir, network: "off" }),
        model: input.model,
        limits: input.limits,
        compaction: input.compaction,
      })
    : undefined;
  const { modelPromptChars: _chars, ...result } = await reviewDiff({
    diff: input.diff,
    config: input.config,
    osv: { baseUrl: input.osvApiUrl, ...(input.signal ? { signal: input.signal } : {}) },
    ...(reviewer ? { reviewer } : { noReviewerReason: input.noModelReason }),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return result;
}
