/**
 * The model half of the review as a read-only agent run: read_file/list_dir/grep plus
 * report_finding, sandbox read-only with network off (the caller builds that sandbox), no
 * AGENTS.md from the PR head (it is attacker-controlled in a review).
 */
import type { AgentLimits, CompactionSettings, ModelSettings, RunAgentInput, RunAgentResult, Usage } from "../agent/types.js";
import type { Sandbox } from "../sandbox/types.js";
import type { CandidateFinding } from "./anchor-findings.js";
import { createReportFindingTool } from "./report-finding-tool.js";

export interface ModelReviewRequest {
  task: string;
  instructions: string;
  signal?: AbortSignal;
}

export interface ModelReviewOutput {
  candidates: CandidateFinding[];
  /** Set when the run did not complete normally (its findings so far are still used). */
  note?: string;
  usage?: Usage;
  costUsd?: number;
}

export type ModelReviewer = (request: ModelReviewRequest) => Promise<ModelReviewOutput>;

export const REVIEW_TOOL_NAMES = ["read_file", "list_dir", "grep", "report_finding"] as const;

export interface AgentReviewerDeps {
  runAgent: (input: RunAgentInput) => Promise<RunAgentResult>;
  workspaceDir: string;
  /** Must be a read-only, network-off sandbox on `workspaceDir`. */
  sandbox: Sandbox;
  model: ModelSettings;
  limits: AgentLimits;
  compaction: CompactionSettings;
  onEvent?: RunAgentInput["onEvent"];
}

export function createAgentReviewer(deps: AgentReviewerDeps): ModelReviewer {
  return async (request) => {
    if (deps.sandbox.policy.mode !== "read-only" || deps.sandbox.policy.network !== "off") {
      throw new Error("the security review agent needs a read-only sandbox with network off");
    }
    const candidates: CandidateFinding[] = [];
    const input: RunAgentInput = {
      task: { kind: "security-review", text: request.task },
      workspaceDir: deps.workspaceDir,
      sandbox: deps.sandbox,
      model: deps.model,
      limits: deps.limits,
      compaction: deps.compaction,
      // The review's own prompts (review-base.md + security-review.md) come from the task kind.
      instructions: request.instructions.trim(),
      extraTools: [createReportFindingTool(candidates)],
      toolNames: [...REVIEW_TOOL_NAMES],
      skipRepoInstructions: true,
    };
    if (request.signal) input.signal = request.signal;
    if (deps.onEvent) input.onEvent = deps.onEvent;
    const result = await deps.runAgent(input);
    const out: ModelReviewOutput = { candidates, usage: result.usage, costUsd: result.costUsd };
    if (result.outcome === "failed")
      out.note = `The model review failed (${result.error?.code ?? "error"}); ${candidates.length} finding(s) reported before the failure are included.`;
    else if (result.outcome === "budget_exhausted")
      out.note = `The model review stopped at its budget; ${candidates.length} finding(s) reported until then are included.`;
    else if (result.outcome === "cancelled") out.note = "The model review was cancelled.";
    return out;
  };
}
