/**
 * The agent's change is security-reviewed before anything is pushed, and what the review finds
 * goes back to the agent:
 *  1. review the work tree's diff against the base commit with the security review's deterministic
 *     checks (secrets, hidden text, vulnerable dependencies) and, when `selfReview.modelReview`
 *     (and `review.modelReview`) allow it, the read-only model review;
 *  2. findings at or above `selfReview.fixAt` go back to the agent as a follow-up session, with
 *     what is left of the run's budget (turns, tokens, USD, minutes): no extra budget appears;
 *  3. repeat until clean, `selfReview.maxRounds` is reached, or the budget is spent;
 *  4. whatever remains (at or above `review.minSeverity`) is returned for the PR body.
 * The combined result (turns, usage and cost of every session, the review's model cost included)
 * is what the task then settles and charges.
 */
import type { TranscriptRecorder } from "../agent/transcript.js";
import type { AgentLimits, RunAgentResult } from "../agent/types.js";
import type { EffectiveConfig } from "../config/repo-config.js";
import type { StatusReporter } from "../github/status-reporter.js";
import type { JobContext } from "../jobs/types.js";
import { createAgentReviewer } from "../review/agent-reviewer.js";
import { reviewDiff, type ReviewDiffResult } from "../review/review-diff.js";
import { atLeast, type Finding, type UnanchoredFinding } from "../review/types.js";
import { modelSettings } from "./agent-session.js";
import type { TaskDeps } from "./task-deps.js";

export type SelfReviewFinding = Pick<Finding, "path" | "severity" | "cwe" | "title" | "source"> & { line?: number | undefined };

export interface SelfReviewReport {
  /** Review passes made (0 when self-review is off or the run did not complete). */
  reviews: number;
  /** Follow-up sessions the agent got. */
  rounds: number;
  /** Findings sent back, over all rounds. */
  sentBack: number;
  /** Still there after the last review, at or above `review.minSeverity`. */
  remaining: SelfReviewFinding[];
  /** Why it stopped early (budget, a failed follow-up). */
  note?: string;
  /** The last review pass included the model review (the pushed diff is the one it reviewed). */
  modelReviewed: boolean;
}

export interface SelfReviewParams {
  deps: TaskDeps;
  job: JobContext;
  config: EffectiveConfig;
  dir: string;
  baseSha: string;
  /** The task as the agent first saw it: the follow-up repeats it so the fix keeps the request. */
  taskText: string;
  result: RunAgentResult;
  /** Run one more agent session in the same workspace with `text` as its task, within `limits`. */
  followUp(text: string, limits: AgentLimits): Promise<RunAgentResult>;
  /** The status comment; its start time is the run's, for the budget left. */
  reporter: StatusReporter;
  transcript?: TranscriptRecorder | undefined;
}

function merge(a: RunAgentResult, b: Pick<RunAgentResult, "usage" | "costUsd" | "turns"> & Partial<RunAgentResult>): RunAgentResult {
  return {
    ...a,
    usage: {
      input: a.usage.input + b.usage.input,
      cachedInput: a.usage.cachedInput + b.usage.cachedInput,
      output: a.usage.output + b.usage.output,
      reasoning: a.usage.reasoning + b.usage.reasoning,
    },
    costUsd: a.costUsd + b.costUsd,
    turns: a.turns + b.turns,
    testsRun: [...a.testsRun, ...(b.testsRun ?? [])],
  };
}

/** What is left of the run's budget, or null when any part of it is spent. */
export function remainingLimits(limits: AgentLimits, spent: RunAgentResult, elapsedMs: number): AgentLimits | null {
  const left = {
    maxTurns: limits.maxTurns - spent.turns,
    maxMinutes: limits.maxMinutes - elapsedMs / 60_000,
    maxTokens: limits.maxTokens - (spent.usage.input + spent.usage.output),
    maxUsd: limits.maxUsd - spent.costUsd,
  };
  return left.maxTurns >= 1 && left.maxMinutes > 0.5 && left.maxTokens > 0 && left.maxUsd > 0 ? left : null;
}

function flatten(review: ReviewDiffResult): SelfReviewFinding[] {
  const all: (Finding | UnanchoredFinding)[] = [...review.findings, ...review.unanchored];
  return all.map((f) => ({ path: f.path, line: f.line, severity: f.severity, cwe: f.cwe, title: f.title, source: f.source }));
}

/** The follow-up task: the original request, then the findings as data to act on. */
export function followUpText(taskText: string, findings: readonly (Finding | UnanchoredFinding)[]): string {
  const list = findings.slice(0, 30).map((f) => {
    const where = f.line ? `${f.path}:${f.line}` : f.path;
    return `- [${f.severity}] ${where} — ${f.title} (${f.cwe})\n  ${f.explanation.replace(/\s+/g, " ").slice(0, 600)}`;
  });
  return [
    "Your change is not published yet: the security review of your own diff found the problems below. Fix each one in the work tree (remove a credential entirely rather than obfuscating it; use parameterised queries, safe APIs, validation), keep the change the task asked for, run the tests again, then give your final answer in the same format as before.",
    "",
    "Findings:",
    ...list,
    ...(findings.length > 30 ? [`- …and ${findings.length - 30} more`] : []),
    "",
    "The original task, for reference:",
    "",
    taskText,
  ].join("\n");
}

async function reviewOnce(p: SelfReviewParams, spent: RunAgentResult): Promise<ReviewDiffResult> {
  const { deps, config, dir } = p;
  const diff = await deps.git.unifiedDiff({ dir, baseSha: p.baseSha });
  p.transcript?.diff("The change as the self-review saw it (diff against the base commit)", diff);
  const base = {
    diff,
    config: { ...config.review, secretScan: true },
    osv: { baseUrl: deps.env.OSV_API_URL, signal: p.job.signal },
    context: "The change an automated coding agent made, before it is published.",
    signal: p.job.signal,
  };
  const hasModel = Boolean(deps.env.OPENAI_API_KEY || deps.env.OPENAI_BASE_URL);
  const limits = remainingLimits(config.limits, spent, (deps.now ?? Date.now)() - p.reporter.startedAt);
  if (!config.selfReview.modelReview || !config.review.modelReview || !hasModel || !limits) {
    return reviewDiff({ ...base, noReviewerReason: "Only the deterministic checks ran on the agent's own change." });
  }
  const reviewer = createAgentReviewer({
    runAgent: deps.runAgent,
    workspaceDir: dir,
    sandbox: deps.createSandbox({ mode: "read-only", workspaceDir: dir, network: "off" }),
    model: modelSettings(deps, config, "review"),
    limits,
    compaction: config.compaction,
  });
  return reviewDiff({ ...base, reviewer });
}

/** For the PR marker: what the pushed commit was reviewed with before it was pushed. */
export function selfReviewMarker(r: SelfReviewReport): "model" | "checks" | "none" {
  return r.reviews === 0 ? "none" : r.modelReviewed ? "model" : "checks";
}

export async function selfReview(p: SelfReviewParams): Promise<{ result: RunAgentResult; report: SelfReviewReport }> {
  const { config } = p;
  const report: SelfReviewReport = { reviews: 0, rounds: 0, sentBack: 0, remaining: [], modelReviewed: false };
  let result = p.result;
  if (!config.selfReview.enabled || result.outcome !== "completed") return { result, report };
  for (;;) {
    await p.reporter.update({ phase: "working", currentStep: "security review of the change before it is pushed" });
    const review = await reviewOnce(p, result);
    report.reviews += 1;
    report.modelReviewed = review.coverage.modelReviewed;
    result = merge(result, {
      usage: { input: review.modelTokens?.input ?? 0, cachedInput: 0, output: review.modelTokens?.output ?? 0, reasoning: 0 },
      costUsd: review.modelCostUsd ?? 0,
      turns: 0,
    });
    const toFix = [...review.findings, ...review.unanchored].filter((f) => atLeast(f.severity, config.selfReview.fixAt));
    report.remaining = flatten(review);
    p.transcript?.note(
      `Security self-review ${report.reviews}: ${report.remaining.length} finding(s)${
        report.remaining.length
          ? ` — ${report.remaining
              .slice(0, 10)
              .map((f) => `[${f.severity}] ${f.path}${f.line ? `:${f.line}` : ""} ${f.title}`)
              .join("; ")}`
          : ""
      }.`,
    );
    if (toFix.length === 0 || report.rounds >= config.selfReview.maxRounds || report.note) return { result, report };
    const limits = remainingLimits(config.limits, result, (p.deps.now ?? Date.now)() - p.reporter.startedAt);
    if (!limits) {
      report.note = "The run's budget was spent before the findings could be sent back.";
      return { result, report };
    }
    report.rounds += 1;
    report.sentBack += toFix.length;
    p.job.log.info({ round: report.rounds, findings: toFix.length }, "self-review findings sent back to the agent");
    const next = await p.followUp(followUpText(p.taskText, toFix), limits);
    result = merge(result, next);
    if (next.outcome === "cancelled") return { result: { ...result, outcome: "cancelled" }, report };
    // A follow-up that failed or ran out of budget leaves the first change: review it once more for the list.
    if (next.outcome === "failed" || next.outcome === "budget_exhausted")
      report.note = `The fix round ended early (${next.outcome === "failed" ? "the model failed" : "budget spent"}).`;
  }
}
