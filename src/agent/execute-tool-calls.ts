/**
 * Runs one model turn's tool calls: consecutive read-only calls in parallel, mutating ones one at
 * a time (codex registry's mutating gate), results in call order. Also notices a model that keeps
 * repeating the same failing call and tells it so.
 */
import type { HistoryItem, ToolCallRequest } from "./model/types.js";
import { dispatchToolCall, type ToolRegistry } from "./tools/tool-registry.js";
import type { AgentEvent, ToolResult } from "./types.js";

export interface LoopGuard {
  lastFailedKey?: string;
  repeats: number;
}

export const LOOP_NUDGE_AT = 3;
export const LOOP_STOP_AT = 6;

export async function executeToolCalls(
  calls: readonly ToolCallRequest[],
  registry: ToolRegistry,
  ctx: { workspaceDir: string; signal?: AbortSignal },
  guard: LoopGuard,
  emit: (e: AgentEvent) => void,
): Promise<HistoryItem[]> {
  const results: ToolResult[] = new Array<ToolResult>(calls.length);
  const run = async (i: number) => {
    const call = calls[i]!;
    emit({ type: "tool_call", name: call.name, callId: call.callId, arguments: call.arguments });
    const started = performance.now();
    const result = await dispatchToolCall(registry, call, ctx);
    results[i] = result;
    emit({
      type: "tool_result",
      name: call.name,
      callId: call.callId,
      ok: result.ok,
      output: result.output,
      durationMs: Math.round(performance.now() - started),
    });
  };
  let i = 0;
  while (i < calls.length) {
    const tool = registry.tools.get(calls[i]!.name);
    if (tool && !tool.mutating) {
      let j = i;
      while (j < calls.length && registry.tools.get(calls[j]!.name)?.mutating === false) j++;
      await Promise.all(Array.from({ length: j - i }, (_, k) => run(i + k)));
      i = j;
    } else {
      await run(i++);
    }
  }
  return calls.map((call, k) => {
    const result = results[k]!;
    let output = result.output;
    const key = `${call.name}\u0000${call.arguments}`;
    if (!result.ok) {
      guard.repeats = guard.lastFailedKey === key ? guard.repeats + 1 : 1;
      guard.lastFailedKey = key;
      if (guard.repeats >= LOOP_NUDGE_AT) {
        output += `\n\nNote: this exact call has now failed ${guard.repeats} times in a row. Do not repeat it: read the error, inspect the relevant files, and try a different approach.`;
      }
    } else {
      guard.lastFailedKey = undefined;
      guard.repeats = 0;
    }
    return { type: "function_call_output", callId: call.callId, output, ...(call.native ? { native: call.native, ok: result.ok } : {}) };
  });
}
