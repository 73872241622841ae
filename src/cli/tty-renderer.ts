/**
 * The live display on a terminal: finished tool calls scroll by above a small footer that is
 * redrawn in place (plan checklist, then one status line: turn, current tool, tokens, cost, time).
 * Plain ANSI (cursor up + clear to end of screen), no dependency. The footer is redrawn on every
 * event and at least once a second, so the clock keeps moving while the model thinks or a command
 * runs. Every line is cut to the terminal's current width (a wrapped line would break the
 * cursor-up count), and a command that fails shows the last lines of its output.
 */
import type { AgentEvent, PlanStep } from "../agent/types.js";
import { describeToolCall, failedOutputTail, formatCost, formatCount, formatDuration, formatPlanLines, oneLine } from "./describe-event.js";
import type { CliOutput, ProgressRenderer, RendererOptions } from "./renderer-types.js";

const ESC = "\x1b[";
const dim = (s: string) => `${ESC}2m${s}${ESC}22m`;
const green = (s: string) => `${ESC}32m${s}${ESC}39m`;
const red = (s: string) => `${ESC}31m${s}${ESC}39m`;

export interface TtyRendererOptions extends RendererOptions {
  now?: () => number;
  /** How often the footer is redrawn without events (default 1000 ms; 0 turns the ticker off). */
  tickMs?: number;
}

export function createTtyRenderer(out: CliOutput, options: TtyRendererOptions = {}): ProgressRenderer {
  const now = options.now ?? Date.now;
  const priced = options.priced ?? true;
  const started = now();
  let footerLines = 0;
  let turn = 0;
  let tool: string | undefined;
  let plan: PlanStep[] = [];
  let tokens = 0;
  let cost = 0;
  let finished = false;

  const width = () => Math.max(20, (out.columns ?? 100) - 1);
  const fit = (s: string, indent = "") => indent + oneLine(s, width() - indent.length);

  const clearFooter = () => {
    if (footerLines > 0) out.write(`${ESC}${footerLines}A\r${ESC}J`);
    footerLines = 0;
  };
  const drawFooter = () => {
    const lines = formatPlanLines(plan).map((l) => fit(l, "  "));
    const status = [
      `turn ${turn}`,
      tool ? `running ${tool}` : "thinking",
      `${formatCount(tokens)} tokens`,
      formatCost(cost, priced),
      formatDuration(now() - started, true),
    ];
    lines.push(fit(status.join(" · ")));
    out.write(`${lines.join("\n")}\n`);
    footerLines = lines.length;
  };
  /** Print permanent lines above the footer, then redraw it. */
  const emit = (permanent: string[]) => {
    if (finished) return;
    clearFooter();
    for (const l of permanent) out.write(`${l}\n`);
    drawFooter();
  };
  const ticker = options.tickMs === 0 ? undefined : setInterval(() => emit([]), options.tickMs ?? 1000);
  ticker?.unref?.();

  return {
    event(event: AgentEvent) {
      switch (event.type) {
        case "turn_start":
          turn = event.turn;
          emit([]);
          break;
        case "model_text":
          emit(event.text.trim() ? [dim(fit(event.text))] : []);
          break;
        case "tool_call":
          tool = describeToolCall(event.name, event.arguments);
          emit([]);
          break;
        case "tool_result": {
          const what = tool ?? event.name;
          tool = undefined;
          const line = fit(`${what} (${formatDuration(event.durationMs)})`, "  ").slice(2);
          const tail = event.ok ? [] : failedOutputTail(event.output).map((l) => dim(fit(l, "    │ ")));
          emit([`${event.ok ? green("✓") : red("✗")} ${line}`, ...tail]);
          break;
        }
        case "plan_update":
          plan = event.plan;
          emit([]);
          break;
        case "compaction":
          emit([dim(fit(`compacted history: ${formatCount(event.tokensBefore)} -> ${formatCount(event.tokensAfter)} tokens`))]);
          break;
        case "usage":
          tokens = event.usage.input + event.usage.output;
          cost = event.costUsd;
          emit([]);
          break;
        case "steering":
          emit([fit(`steering: ${event.message}`)]);
          break;
        case "outcome":
          tool = undefined;
          emit([]);
          break;
      }
    },
    note(text) {
      emit([dim(fit(`note: ${text}`))]);
    },
    finish() {
      // Keep the plan visible but drop the status line: the final report says the same, better.
      if (ticker) clearInterval(ticker);
      clearFooter();
      finished = true;
      for (const l of formatPlanLines(plan)) out.write(`${fit(l, "  ")}\n`);
    },
  };
}
