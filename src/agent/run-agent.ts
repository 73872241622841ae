/**
 * The agent loop. Each turn:
 *   1. stop if cancelled or a budget (turns, minutes, tokens, USD) is spent;
 *   2. append steering messages and AGENTS.md files of directories newly worked in;
 *   3. compact the history if the next request would pass the threshold (or stop, `minimal`);
 *   4. call the model with the same instructions and tools as every turn (prefix-cache friendly);
 *   5. no tool calls: a final answer ends the run, an empty reply gets a nudge;
 *   6. run the tool calls and append their results.
 * Expected failures go back to the model; only cancellation, a dead sandbox or a model that
 * cannot be reached end the run, always with an outcome rather than a throw.
 */
import { AppError, CancelledError } from "../shared/errors.js";
import { buildInstructions, formatTaskMessage } from "./build-instructions.js";
import { compactHistory, estimateTokens, requestBytes, type TokenMeter } from "./compact-history.js";
import { executeToolCalls, LOOP_STOP_AT, type LoopGuard } from "./execute-tool-calls.js";
import { clampTitle, parseFinalAnswer } from "./final-answer.js";
import { createModelClient } from "./model/create-model-client.js";
import { ModelError } from "./model/model-error.js";
import { computeCostUsd, contextWindowOf } from "./model/prices.js";
import { addUsage, ZERO_USAGE, type HistoryItem, type ModelClient, type ModelTurn } from "./model/types.js";
import { formatProgressSummary } from "./progress-summary.js";
import { ancestorDirs, formatRepoInstructions, readAgentsFile } from "./repo-instructions.js";
import { BUILTIN_TOOL_NAMES, createBuiltinTools } from "./tools/builtin-tools.js";
import { looksLikeTestCommand } from "./tools/shell-tool.js";
import { createToolRegistry } from "./tools/tool-registry.js";
import type { AgentEvent, AgentOutcome, PlanStep, RunAgentInput, RunAgentResult, Usage } from "./types.js";
import { diffSnapshots, snapshotWorkspace } from "./workspace-snapshot.js";

const MAX_EMPTY_REPLIES = 3;

/** Thrown inside the loop to stop it with an outcome. */
class Stop extends Error {
  constructor(
    readonly outcome: AgentOutcome,
    readonly reason: string,
    readonly code?: string,
    /** The reason as a public comment may show it (no endpoint host); `reason` when unset. */
    readonly publicReason?: string,
  ) {
    super(reason);
  }
}

export interface RunAgentOptions {
  /** Inject a model client (tests, benchmarks); default: createModelClient(input.model). */
  client?: ModelClient;
  /** Force the JS grep fallback (tests). */
  useRipgrep?: boolean;
}

export async function runAgent(input: RunAgentInput, options: RunAgentOptions = {}): Promise<RunAgentResult> {
  const emit = (e: AgentEvent) => input.onEvent?.(e);
  const client = options.client ?? createModelClient(input.model);
  const window = contextWindowOf(input.model.name, input.model.contextWindow);
  const budget = Math.floor(window * input.compaction.threshold);
  // Tool outputs get at most ~10% of the window each (and never more than 16 KiB).
  const cap = { maxBytes: Math.max(1024, Math.min(16 * 1024, Math.floor(window * 0.1 * 3))), maxLines: 256 };

  // Wall-clock budget and the caller's cancellation share one signal for model and tool calls.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), input.limits.maxMinutes * 60_000);
  const signal = input.signal ? AbortSignal.any([input.signal, deadline.signal]) : deadline.signal;

  let plan: PlanStep[] = [];
  const testsRun: RunAgentResult["testsRun"] = [];
  const touched = new Set<string>();
  const seenAgentDirs = new Set<string>([""]);
  const registry = createToolRegistry(
    [
      ...createBuiltinTools({
        sandbox: input.sandbox,
        cap,
        patchEnabled: (input.toolNames ?? BUILTIN_TOOL_NAMES).includes("apply_patch"),
        ...(options.useRipgrep !== undefined ? { useRipgrep: options.useRipgrep } : {}),
        onTouch: (p) => touched.add(p),
        onCommand: (command, exitCode) => {
          if (looksLikeTestCommand(command)) testsRun.push({ command, exitCode });
        },
        onPlan: (next, explanation) => {
          plan = next;
          emit({ type: "plan_update", plan: next, ...(explanation ? { explanation } : {}) });
        },
      }),
      ...(input.extraTools ?? []),
    ],
    input.toolNames ? [...input.toolNames, ...(input.extraTools ?? []).map((t) => t.name)] : undefined,
  );

  const before = await snapshotWorkspace(input.workspaceDir);
  let instructions = "";
  const images = input.model.vision && input.task.images?.length ? { images: input.task.images } : {};
  // The task may be a huge issue thread: it never gets more than ~30% of the budget (THREATS E10).
  let history: HistoryItem[] = [{ type: "message", role: "user", text: formatTaskMessage(input, Math.floor(budget * 0.3 * 3)), ...images }];
  const meter: TokenMeter = { ratio: 0.3 };
  let usage: Usage = ZERO_USAGE;
  let costUsd = 0;
  let turns = 0;
  let emptyReplies = 0;
  let lastText = "";
  let final: string | undefined;
  const guard: LoopGuard = { repeats: 0 };

  const account = (u: Usage) => {
    usage = addUsage(usage, u);
    costUsd = computeCostUsd(input.model.name, usage, input.model.prices);
  };
  const checkBudgets = () => {
    if (input.signal?.aborted) throw new Stop("cancelled", "the run was cancelled");
    if (deadline.signal.aborted) throw new Stop("budget_exhausted", `the time budget of ${input.limits.maxMinutes} minutes ran out`, "budget/minutes");
    if (turns >= input.limits.maxTurns) throw new Stop("budget_exhausted", `the turn budget of ${input.limits.maxTurns} turns ran out`, "budget/turns");
    if (usage.input + usage.output >= input.limits.maxTokens)
      throw new Stop("budget_exhausted", `the token budget of ${input.limits.maxTokens} tokens ran out`, "budget/tokens");
    if (costUsd >= input.limits.maxUsd) throw new Stop("budget_exhausted", `the cost budget of $${input.limits.maxUsd} ran out`, "budget/usd");
  };
  const callModel = async (): Promise<ModelTurn> => {
    const bytes = requestBytes(instructions, registry.specs, history);
    const turn = await client.complete({ instructions, tools: registry.specs, history, signal });
    if (turn.usage.input > 0 && bytes > 0) meter.ratio = turn.usage.input / bytes;
    return turn;
  };
  const compact = async (force: boolean) => {
    const tokensBefore = estimateTokens(meter, instructions, registry.specs, history);
    if (!force && tokensBefore <= budget) return;
    if (input.compaction.strategy === "minimal") {
      throw new Stop(
        "budget_exhausted",
        `the conversation (~${tokensBefore} tokens) no longer fits the context window of ${window} tokens and compaction is off (minimal)`,
        "model/context-overflow",
      );
    }
    const result = await compactHistory({
      client,
      instructions,
      tools: registry.specs,
      history,
      strategy: force ? "aggressive" : input.compaction.strategy,
      budget: force ? Math.floor(budget * 0.6) : budget,
      meter,
      signal,
    });
    history = result.history;
    account(result.usage);
    emit({ type: "compaction", strategy: input.compaction.strategy, tokensBefore, tokensAfter: estimateTokens(meter, instructions, registry.specs, history) });
  };
  const appendRepoInstructions = async () => {
    if (input.skipRepoInstructions) return;
    for (const p of touched) {
      for (const dir of [...ancestorDirs(p, true), ...ancestorDirs(p, false)]) {
        if (seenAgentDirs.has(dir)) continue;
        seenAgentDirs.add(dir);
        const text = await readAgentsFile(input.workspaceDir, dir);
        if (text) history.push({ type: "message", role: "user", text: formatRepoInstructions(dir, text) });
      }
    }
    touched.clear();
  };

  let outcome: AgentOutcome = "completed";
  let stopReason = "";
  let error: RunAgentResult["error"];
  try {
    instructions = await buildInstructions(input);
    for (;;) {
      checkBudgets();
      for (const message of input.takeMessages?.() ?? []) {
        history.push({ type: "message", role: "user", text: `New message from the user while you were working:\n${message}` });
        emit({ type: "steering", message });
      }
      await appendRepoInstructions();
      await compact(false);
      turns++;
      emit({ type: "turn_start", turn: turns });
      let turn: ModelTurn;
      try {
        turn = await callModel();
      } catch (e) {
        // The provider says it does not fit after all: compact harder once, then retry.
        if (!(e instanceof ModelError && e.code === "model/context-overflow")) throw e;
        await compact(true);
        turn = await callModel();
      }
      account(turn.usage);
      emit({ type: "usage", usage, costUsd, turn: turns });
      history.push(...turn.items);
      if (turn.text) {
        lastText = turn.text;
        emit({ type: "model_text", text: turn.text });
      }
      if (turn.toolCalls.length === 0) {
        if (turn.text.trim()) {
          final = turn.text;
          break;
        }
        if (++emptyReplies >= MAX_EMPTY_REPLIES) throw new Stop("failed", `the model sent ${MAX_EMPTY_REPLIES} empty replies in a row`, "agent/empty-replies");
        history.push({
          type: "message",
          role: "user",
          text: "Your last reply was empty. Continue the task with tool calls, or if it is done, give the final answer starting with 'Title:'.",
        });
        continue;
      }
      emptyReplies = 0;
      history.push(...(await executeToolCalls(turn.toolCalls, registry, { workspaceDir: input.workspaceDir, signal }, guard, emit)));
      if (guard.repeats >= LOOP_STOP_AT)
        throw new Stop("failed", `the model repeated the same failing ${turn.toolCalls[0]?.name ?? "tool"} call ${guard.repeats} times`, "agent/loop");
    }
  } catch (e) {
    const stop = toStop(e, deadline.signal.aborted && !input.signal?.aborted, input.limits.maxMinutes);
    outcome = stop.outcome;
    stopReason = stop.publicReason ?? stop.reason;
    if (stop.code) error = { code: stop.code, message: stop.reason, ...(stop.publicReason ? { userMessage: stop.publicReason } : {}) };
  } finally {
    clearTimeout(timer);
  }

  const changedFiles = diffSnapshots(before, await snapshotWorkspace(input.workspaceDir));
  if (outcome === "completed" && changedFiles?.length === 0) outcome = "no_changes";
  const answer = final !== undefined ? parseFinalAnswer(final) : undefined;
  const summary = answer ? answer.prBody || answer.prTitle : formatProgressSummary({ reason: stopReason, plan, changedFiles, testsRun, lastText, turns });
  emit({ type: "outcome", outcome, summary });
  return {
    outcome,
    summary,
    prTitle: answer?.prTitle || clampTitle(input.task.text.split("\n")[0] ?? "Agent changes"),
    prBody: answer?.prBody ?? summary,
    plan,
    usage,
    costUsd,
    turns,
    testsRun,
    ...(error ? { error } : {}),
    ...(changedFiles ? { changedFiles } : {}),
  };
}

function toStop(e: unknown, deadlinePassed: boolean, maxMinutes: number): Stop {
  if (e instanceof Stop) return e;
  if (deadlinePassed) return new Stop("budget_exhausted", `the time budget of ${maxMinutes} minutes ran out`, "budget/minutes");
  if (e instanceof CancelledError) return new Stop("cancelled", "the run was cancelled");
  if (e instanceof AppError) return new Stop("failed", e.message, e.code, e.userMessage);
  return new Stop("failed", `internal error: ${e instanceof Error ? e.message : String(e)}`, "internal");
}
