/**
 * The live display on a terminal: finished tool calls scroll by above a small footer that is
 * redrawn in place (plan checklist, then one status line: turn, current tool, tokens, cost, time).
 * Plain ANSI (cursor up + clear to end of screen), no dependency, no timer: it redraws on events.
 */
import type { AgentEvent, PlanStep } from "../agent/types.js";
import { describeToolCall, formatCount, formatDuration, formatPlanLines, formatUsd, oneLine } from "./describe-event.js";
import type { CliOutput, ProgressRenderer } from "./renderers.js";

const ESC = "\x1b[";
const dim = (s: string) => `${ESC}2m${s}${ESC}22m`;
const green = (s: string) => `${ESC}32m${s}${ESC}39m`;
const red = (s: string) => `${ESC}31m${s}${ESC}39m`;

export function createTtyRenderer(out: CliOutput, now: () => number = Date.now): ProgressRenderer {
  const started = now();
  let footerLines = 0;
  let turn = 0;
  let tool: string | undefined;
  let plan: PlanStep[] = [];
  let tokens = 0;
  let cost = 0;

  const width = () => Math.max(40, (out.columns ?? 100) - 1);
  // Cut every footer line to the terminal width: a wrapped line would break the cursor-up count.
  const fit = (s: string) => oneLine(s, width());

  const clearFooter = () => {
    if (footerLines > 0) out.write(`${ESC}${footerLines}A\r${ESC}J`);
    footerLines = 0;
  };
  const drawFooter = () => {
    const lines = formatPlanLines(plan).map((l) => fit(`  ${l}`));
    const status = [`turn ${turn}`, tool ? `running ${tool}` : "thinking", `${formatCount(tokens)} tokens`, formatUsd(cost), formatDuration(now() - started)];
    lines.push(fit(status.join(" · ")));
    out.write(`${lines.join("\n")}\n`);
    footerLines = lines.length;
  };
  /** Print permanent lines above the footer, then redraw it. */
  const emit = (permanent: string[]) => {
    clearFooter();
    for (const l of permanent) out.write(`${l}\n`);
    drawFooter();
  };

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
          const mark = event.ok ? green("✓") : red("✗");
          const what = tool ?? event.name;
          tool = undefined;
          emit([`${mark} ${fit(`${what} (${formatDuration(event.durationMs)})`)}`]);
          break;
        }
        case "plan_update":
          plan = event.plan;
          emit([]);
          break;
        case "compaction":
          emit([dim(`compacted history: ${formatCount(event.tokensBefore)} -> ${formatCount(event.tokensAfter)} tokens`)]);
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
      emit([dim(`note: ${text}`)]);
    },
    finish() {
      // Keep the plan visible but drop the status line: the final report says the same, better.
      clearFooter();
      for (const l of formatPlanLines(plan)) out.write(`  ${l}\n`);
    },
  };
}
