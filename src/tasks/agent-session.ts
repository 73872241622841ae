/**
 * One agent session inside a cloned workspace, shared by resolve-issue and fix-pr: build the
 * sandbox from the effective config, run the repo's setup commands in it, run the agent with the
 * job's signal and steering inbox, and mirror its plan and progress into the status comment.
 */
import type { TranscriptRecorder } from "../agent/transcript.js";
import type { AgentEvent, AgentLimits, PlanStep, RunAgentResult } from "../agent/types.js";
import { resolveModelProfile, type ModelProfile, type ModelPurpose } from "../config/model-profile.js";
import type { EffectiveConfig } from "../config/repo-config.js";
import type { StatusReporter } from "../github/status-reporter.js";
import type { JobContext } from "../jobs/types.js";
import { CancelledError, SandboxError } from "../shared/errors.js";
import { outboundCode } from "../shared/format-outbound.js";
import { steeringMessage } from "./prompts.js";
import type { TaskDeps } from "./task-deps.js";

export interface SessionParams {
  deps: TaskDeps;
  job: JobContext;
  config: EffectiveConfig;
  dir: string;
  task: { kind: "resolve-issue" | "fix-pr"; text: string; images?: string[] };
  /** Trusted instructions: base-branch AGENTS.md and the configured test command. */
  instructions: string;
  /** The status comment (it carries the run's title and start time). */
  reporter: StatusReporter;
  /** A follow-up session (self-review fixes): the setup commands already ran in this workspace. */
  followUp?: { limits: AgentLimits } | undefined;
  /** Records every event of the session for the run transcript. */
  transcript?: TranscriptRecorder | undefined;
}

/** The run's (or, for the self-review, the review's) model profile: see config/model-profile.ts. */
export function modelSettings(deps: Pick<TaskDeps, "env">, config: EffectiveConfig, purpose: ModelPurpose = "run"): ModelProfile {
  return resolveModelProfile({ env: deps.env, model: config.model, purpose });
}

/** The status line for a tool call: the tool's name, and its command or path as code (escaped by the renderer). */
function describeTool(name: string, args: string): { currentStep: string; currentCode?: string } {
  try {
    const a = JSON.parse(args) as Record<string, unknown>;
    const detail = a.command ?? a.cmd ?? a.path ?? a.file_path ?? a.pattern ?? "";
    const text = Array.isArray(detail) ? detail.join(" ") : String(detail);
    return text ? { currentStep: name, currentCode: text.slice(0, 80) } : { currentStep: name };
  } catch {
    return { currentStep: name };
  }
}

export async function runAgentSession(p: SessionParams): Promise<RunAgentResult> {
  const { deps, job, config, dir, reporter } = p;
  const model = modelSettings(deps, config);
  const { priced } = model;
  if (!priced) {
    job.log.warn({ model: model.name }, "the model has no price: the USD budget and spend caps cannot bind (set AGENT_MODEL_PRICES)");
  }
  // The network allowlist is for setup commands (`npm ci`); the agent's own commands run offline,
  // so a prompt-injected model has no channel to send the workspace anywhere.
  const policy = {
    mode: config.sandbox.mode,
    workspaceDir: dir,
    env: config.sandbox.env,
    allowDangerFullAccess: deps.env.AGENT_SANDBOX_MODES.includes("danger-full-access"),
  };
  const sandbox = deps.createSandbox({ ...policy, network: "off" });
  const setupSandbox = config.sandbox.network === "off" ? sandbox : deps.createSandbox({ ...policy, network: config.sandbox.network });
  for (const script of p.followUp ? [] : config.sandbox.setupCommands) {
    await reporter.update({ phase: "working", currentStep: "setup:", currentCode: script.slice(0, 80) });
    const result = await setupSandbox.run({ script, signal: job.signal });
    if (result.exitCode !== 0) {
      throw new SandboxError("sandbox/denied", `setup command failed with exit ${result.exitCode ?? "signal"}`, {
        userMessage: `The setup command ${outboundCode(script.slice(0, 80))} failed (exit ${result.exitCode ?? "killed"}${result.timedOut ? ", timed out" : ""}).`,
      });
    }
  }
  let plan: PlanStep[] = [];
  let step: { currentStep: string; currentCode?: string } = { currentStep: "reading the code" };
  p.transcript?.task(p.task.kind, model.name, p.task.text);
  const onEvent = (event: AgentEvent): void => {
    p.transcript?.onEvent(event);
    if (event.type === "usage") {
      job.report({ turns: event.turn, tokens: event.usage.input + event.usage.output, costUsd: priced ? event.costUsd : null });
      return;
    }
    if (event.type === "plan_update") plan = event.plan;
    else if (event.type === "tool_call") step = describeTool(event.name, event.arguments);
    else if (event.type === "steering") step = { currentStep: "read your new message" };
    else return;
    job.report({ step: step.currentStep });
    void reporter.update({ phase: "working", plan, ...step });
  };
  await reporter.update({ phase: "working", ...step });
  return deps.runAgent({
    task: { kind: p.task.kind, text: p.task.text, ...(p.task.images && config.model.vision ? { images: p.task.images } : {}) },
    workspaceDir: dir,
    sandbox,
    model,
    limits: p.followUp?.limits ?? config.limits,
    compaction: config.compaction,
    instructions: p.instructions,
    onEvent,
    signal: job.signal,
    // Steering messages (`/agent <text>`) are comments: the model gets what a person sees of them.
    takeMessages: () =>
      job.takeMessages().map((raw) => {
        const m = steeringMessage(raw);
        if (m.hidden.length > 0) job.log.info({ hidden: [{ source: "steering message", hidden: m.hidden }] }, "hidden content removed from text for the model");
        return m.text;
      }),
    skipRepoInstructions: true,
  });
}

export interface RunStats {
  turns: number;
  tokens: number;
  costUsd: number;
  /** False when the model has no price: cost shows as unknown rather than $0.00. */
  priced: boolean;
  testsRun: RunAgentResult["testsRun"];
}

/**
 * After the agent stops: charge the spend caps and metrics, then either end the run (cancelled
 * throws for the task frame; failed or out of budget finishes the status comment and returns that
 * outcome) or return `stopped: null` so the task goes on to publish the changes.
 */
export async function settleAgentRun(p: {
  deps: Pick<TaskDeps, "spend" | "metrics">;
  job: Pick<JobContext, "report">;
  repo: string;
  installationId: number;
  model: string;
  /** Whether the model has a price (built-in table or AGENT_MODEL_PRICES). */
  priced: boolean;
  result: RunAgentResult;
  reporter: StatusReporter;
  retryHint: string;
}): Promise<{ stats: RunStats; stopped: "failed" | "budget_exhausted" | null }> {
  const { result } = p;
  await p.deps.spend.record(p.repo, p.installationId, result.costUsd);
  p.deps.metrics?.recordModelUsage({ repo: p.repo, model: p.model, input: result.usage.input, output: result.usage.output, costUsd: result.costUsd });
  const stats: RunStats = {
    turns: result.turns,
    tokens: result.usage.input + result.usage.output,
    costUsd: result.costUsd,
    priced: p.priced,
    testsRun: result.testsRun,
  };
  p.job.report({ turns: stats.turns, tokens: stats.tokens, costUsd: p.priced ? stats.costUsd : null });
  if (result.outcome === "cancelled") throw new CancelledError();
  if (result.outcome === "failed" || result.outcome === "budget_exhausted") {
    p.job.report({ errorCode: result.error?.code ?? result.outcome, errorMessage: result.error?.message ?? result.outcome });
    const message = `The agent could not finish: ${result.error?.userMessage ?? result.error?.message ?? result.outcome}`;
    await p.reporter.finish({
      phase: "failed",
      ...stats,
      message,
      summary: result.summary,
      hint: stopHint(result.error?.code, p.retryHint),
    });
    return { stats, stopped: result.outcome };
  }
  return { stats, stopped: null };
}

/**
 * What the reader of a failed run can do. More context helps only when the agent itself got stuck;
 * a model endpoint, sandbox or internal failure is the operator's to fix, and a budget is raised in
 * agent.yml.
 */
export function stopHint(code: string | undefined, retryHint: string): string {
  if (code?.startsWith("model/") || code?.startsWith("sandbox/") || code === "internal") {
    return "This is a problem on the app's side, not with the request: comment `/agent fix` to try again later, and tell the app's operator if it keeps happening (the details are in the app's logs).";
  }
  if (code?.startsWith("budget/"))
    return "Raise `limits` in `.github/agent.yml` (within the operator's caps) or narrow the request, then comment `/agent fix`.";
  return retryHint;
}
