/**
 * Local context compaction that works with any provider (codex `compact.rs`).
 *
 * - `semantic`: the older part of the history is replaced by a model-written hand-off summary;
 *   the task and the most recent turns (up to ~30% of the budget) stay verbatim.
 * - `aggressive`: the summary plus the current step (the last model turn and its tool results).
 * - `minimal` never gets here: the loop stops when the window is full.
 *
 * The summary request itself is fitted under the budget by clipping old tool outputs and, if it
 * must, dropping the oldest turns, so no request ever exceeds the window.
 */
import { loadPrompt } from "./load-prompt.js";
import { ZERO_USAGE, type HistoryItem, type ModelClient, type ToolSpec } from "./model/types.js";
import type { Usage } from "./types.js";

export interface TokenMeter {
  /** Tokens per byte of the request as last measured (calibrated from real usage). */
  ratio: number;
}

export function requestBytes(instructions: string, tools: readonly ToolSpec[], history: readonly HistoryItem[]): number {
  return Buffer.byteLength(JSON.stringify({ instructions, tools, history }));
}

export function estimateTokens(meter: TokenMeter, instructions: string, tools: readonly ToolSpec[], history: readonly HistoryItem[]): number {
  return Math.ceil(requestBytes(instructions, tools, history) * meter.ratio);
}

/** Indices where a model turn or a user message starts: safe places to cut the history. */
export function turnBoundaries(items: readonly HistoryItem[]): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (item.type === "function_call_output") return;
    const prev = items[i - 1];
    if (
      i === 0 ||
      (item.type === "message" && item.role === "user") ||
      prev?.type === "function_call_output" ||
      (prev?.type === "message" && prev.role === "user")
    )
      out.push(i);
  });
  return out;
}

function clipText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return `${text.slice(0, half)}\n[... ${text.length - maxChars} characters cut during compaction ...]\n${text.slice(-half)}`;
}

export function clipItems(items: readonly HistoryItem[], maxChars: number): HistoryItem[] {
  return items.map((item) => {
    if (item.type === "function_call_output") return { ...item, output: clipText(item.output, maxChars) };
    if (item.type === "message" && item.role === "assistant") return { ...item, text: clipText(item.text, maxChars) };
    if (item.type === "function_call" && item.arguments.length > maxChars) {
      // The call stays well-formed JSON; the model only needs to know what it did.
      return {
        ...item,
        arguments: JSON.stringify({
          note: `arguments cut during compaction (${item.arguments.length} characters)`,
          start: item.arguments.slice(0, Math.min(200, maxChars)),
        }),
      };
    }
    return item;
  });
}

export interface CompactParams {
  client: ModelClient;
  instructions: string;
  tools: readonly ToolSpec[];
  history: readonly HistoryItem[];
  strategy: "semantic" | "aggressive";
  /** Token budget for any request (threshold x window). */
  budget: number;
  meter: TokenMeter;
  signal?: AbortSignal;
}

export interface CompactResult {
  history: HistoryItem[];
  usage: Usage;
  summarized: boolean;
}

export async function compactHistory(p: CompactParams): Promise<CompactResult> {
  const [head, ...rest] = p.history;
  if (!head) return { history: [], usage: ZERO_USAGE, summarized: false };
  const est = (items: readonly HistoryItem[]) => estimateTokens(p.meter, p.instructions, p.tools, items);
  const bounds = turnBoundaries(rest);
  const last = bounds.at(-1) ?? rest.length;
  let recentStart = last;
  if (p.strategy === "semantic") {
    const recentBudget = p.budget * 0.3;
    recentStart = bounds.find((b) => est(rest.slice(b)) - est([]) <= recentBudget) ?? last;
  }
  let recent = rest.slice(recentStart);
  const old = rest.slice(0, recentStart);
  let usage: Usage = ZERO_USAGE;
  let summarized = false;
  let history: HistoryItem[] = [head, ...recent];
  if (old.length > 0) {
    const prompt: HistoryItem = { type: "message", role: "user", text: loadPrompt("compaction") };
    let toSummarize = fitUnder(old, (items) => est([head, ...items, prompt]), p.budget);
    if (toSummarize.length === 0) toSummarize = clipItems(old.slice(-1), 200);
    const turn = await p.client.complete({
      instructions: p.instructions,
      tools: p.tools,
      history: [head, ...toSummarize, prompt],
      ...(p.signal ? { signal: p.signal } : {}),
    });
    usage = turn.usage;
    const summary = turn.text.trim() || fallbackSummary(old);
    summarized = true;
    history = [head, { type: "message", role: "user", text: `${loadPrompt("compaction-prefix")}\n\n${summary}` }, ...recent];
  }
  // The recent turns themselves may be huge (one enormous tool output): clip them to fit.
  for (const max of [8000, 2000, 500]) {
    if (est(history) <= p.budget * 0.7) break;
    recent = clipItems(recent, max);
    history = [...history.slice(0, history.length - recent.length), ...recent];
  }
  return { history, usage, summarized };
}

/** Clips, then drops the oldest turns, until `measure` is under `budget`. */
function fitUnder(items: readonly HistoryItem[], measure: (items: readonly HistoryItem[]) => number, budget: number): HistoryItem[] {
  let out = [...items];
  for (const max of [Infinity, 4000, 1000, 300]) {
    if (max !== Infinity) out = clipItems(out, max);
    if (measure(out) <= budget) return out;
  }
  while (out.length > 0 && measure(out) > budget) {
    const next = turnBoundaries(out).find((b) => b > 0) ?? out.length;
    out = out.slice(next);
  }
  return out;
}

function fallbackSummary(old: readonly HistoryItem[]): string {
  const calls = old.filter((i): i is Extract<HistoryItem, { type: "function_call" }> => i.type === "function_call");
  const lines = calls.slice(-30).map((c) => `- ${c.name} ${c.arguments.slice(0, 160)}`);
  return `(The model returned no summary.) Tool calls made so far, most recent last:\n${lines.join("\n")}`;
}
