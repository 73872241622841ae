/**
 * Progress output. Three renderers share one interface so the run command does not care which is
 * in use: `--json` (machine), plain lines (logs, CI, pipes) and a live compact display (a terminal).
 */
import { describeToolCall, failedOutputTail, formatDuration, formatPlanLines, formatUsage, oneLine } from "./describe-event.js";

export type { CliOutput, ProgressRenderer, RendererOptions } from "./renderer-types.js";
import type { CliOutput, ProgressRenderer, RendererOptions } from "./renderer-types.js";

/** `--json`: every agent event as one JSON line; notes become {"type":"note"} lines. */
export function createJsonRenderer(out: CliOutput): ProgressRenderer {
  return {
    event: (event) => out.write(`${JSON.stringify(event)}\n`),
    note: (text) => out.write(`${JSON.stringify({ type: "note", message: text })}\n`),
    finish: () => undefined,
  };
}

/** Non-TTY: one plain line per event, stable enough to grep in CI logs. */
export function createLineRenderer(out: CliOutput, options: RendererOptions = {}): ProgressRenderer {
  const line = (text: string) => out.write(`${text}\n`);
  const priced = options.priced ?? true;
  return {
    event(event) {
      switch (event.type) {
        case "turn_start":
          line(`turn ${event.turn}`);
          break;
        case "model_text":
          if (event.text.trim()) line(`  model: ${oneLine(event.text, 500)}`);
          break;
        case "tool_call":
          line(`  tool: ${describeToolCall(event.name, event.arguments)}`);
          break;
        case "tool_result":
          line(`  ${event.ok ? "ok" : "error"} (${formatDuration(event.durationMs)})`);
          if (!event.ok) for (const l of failedOutputTail(event.output)) line(`    | ${l.slice(0, 500)}`);
          break;
        case "plan_update":
          line("  plan:");
          for (const l of formatPlanLines(event.plan)) line(`    ${l}`);
          break;
        case "compaction":
          line(`  compacted history (${event.strategy}): ${event.tokensBefore} -> ${event.tokensAfter} tokens`);
          break;
        case "usage":
          line(`  usage: ${formatUsage(event.usage, event.costUsd, priced)}`);
          break;
        case "steering":
          line(`  steering: ${oneLine(event.message, 200)}`);
          break;
        case "outcome":
          line(`outcome: ${event.outcome}`);
          break;
      }
    },
    note: (text) => line(`note: ${text}`),
    finish: () => undefined,
  };
}

export { createTtyRenderer } from "./tty-renderer.js";
