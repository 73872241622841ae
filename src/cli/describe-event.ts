/** Short human phrases for agent events, shared by the TTY and the plain-line renderers. */
import { patchTargets } from "../agent/patch/stream-patch.js";
import type { PlanStep, Usage } from "../agent/types.js";

/**
 * Text from the repository (agent.yml's setup commands, their output) with terminal control
 * characters shown as `?`: an escape sequence must not drive the user's terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
}

/** One line, at most `max` characters, with an ellipsis when cut. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

function parseArgsObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** "shell npm test", "apply_patch src/a.ts", "read_file README.md": what a tool call is about. */
export function describeToolCall(name: string, rawArguments: string): string {
  const args = parseArgsObject(rawArguments);
  // The plan itself is shown as a checklist; its JSON is no one's business.
  if (name === "update_plan") return Array.isArray(args?.plan) ? `update plan (${args.plan.length} step${args.plan.length === 1 ? "" : "s"})` : "update plan";
  if (!args) return oneLine(`${name} ${rawArguments}`, 100);
  const command = args.command ?? args.cmd ?? args.script ?? args.argv;
  if (Array.isArray(command)) {
    // Codex's shell tool passes ["bash", "-lc", "npm test"]; show the script, not the wrapper.
    const parts = command.map(String);
    const script = parts.length === 3 && parts[1] === "-lc" ? parts[2] : parts.join(" ");
    return oneLine(`${name} ${script}`, 100);
  }
  if (typeof command === "string") return oneLine(`${name} ${command}`, 100);
  const patch = args.patch ?? args.input;
  if (typeof patch === "string") {
    const files = patchTargets(patch);
    if (files.length > 0) return oneLine(`${name} ${files.join(", ")}`, 100);
  }
  const target = args.path ?? args.file ?? args.pattern ?? args.dir;
  if (typeof target === "string") return oneLine(`${name} ${target}`, 100);
  return oneLine(`${name} ${rawArguments}`, 100);
}

/** 1234 -> "1.2k", 2_500_000 -> "2.5M". */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(n);
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** The cost, or "cost unknown" for a model without a price (never a misleading $0.00). */
export function formatCost(usd: number, priced: boolean): string {
  return priced ? formatUsd(usd) : "cost unknown";
}

export function formatUsage(usage: Usage, costUsd: number, priced = true): string {
  return `${formatCount(usage.input)} in (${formatCount(usage.cachedInput)} cached) · ${formatCount(usage.output)} out · ${formatCost(costUsd, priced)}`;
}

const MARK: Record<PlanStep["status"], string> = { completed: "[x]", in_progress: "[>]", pending: "[ ]" };

export function formatPlanLines(plan: readonly PlanStep[]): string[] {
  return plan.map((step) => `${MARK[step.status]} ${step.step}`);
}

/** `whole`: whole seconds (a ticking clock), else one decimal under a minute. */
export function formatDuration(ms: number, whole = false): string {
  if (whole && ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/** Lines of a failing command's output shown under it. */
export const FAILED_OUTPUT_TAIL = 8;

/** The last non-empty lines of a failed tool's output (that is where test runners and compilers say why). */
export function failedOutputTail(output: string, lines = FAILED_OUTPUT_TAIL): string[] {
  return output
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l) => l.trim() !== "")
    .slice(-lines);
}
