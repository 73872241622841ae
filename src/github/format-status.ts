/**
 * The one status comment a run keeps editing: queued -> working (plan checklist, current step,
 * elapsed) -> result (PR or commits, summary, tests, turns, tokens, cost) or a failure with what
 * the user can do. Pure rendering. Every field that is not the app's own text (the model's summary
 * and plan, tool arguments, file names, test commands, check names in the title, error messages) is
 * made safe for its place here, piece by piece; the headings, the warning block, `<details>` and
 * `<sub>` are the app's and are added around those pieces, so nothing in them can hide or alter it.
 */
import { formatOutbound, outboundCode, outboundText } from "../shared/format-outbound.js";

export type StatusPhase = "queued" | "working" | "succeeded" | "no_changes" | "failed" | "cancelled";

export interface StatusPlanStep {
  step: string;
  status: "pending" | "in_progress" | "completed";
}

export interface StatusView {
  title: string;
  phase: StatusPhase;
  startedAt?: number;
  now?: number;
  plan?: StatusPlanStep[];
  /** What the run is doing now, as plain text (shown literally). */
  currentStep?: string;
  /** A command or path that goes with the current step (shown as code). */
  currentCode?: string;
  position?: number;
  resultUrl?: string;
  resultLabel?: string;
  summary?: string;
  changedFiles?: string[];
  configChanges?: string[];
  /** Changed files CI or tooling executes (package manifests, Makefiles, test configs...). */
  executedChanges?: string[];
  testsRun?: { command: string; exitCode: number | null }[];
  turns?: number;
  tokens?: number;
  costUsd?: number;
  /** False when the model has no known price, so `costUsd` is not meaningful. */
  priced?: boolean;
  /** Failure or explanation text (Markdown; rebuilt like model text, so raw HTML shows as text). */
  message?: string;
  /** How to go on, e.g. "Comment `/agent fix` to try again." The app's own text, never user text. */
  hint?: string;
  /** What the run had to do without (e.g. review threads it could not read); shown in every state. */
  notes?: string[];
  /** The model of this run and its price, e.g. "$1.25 in / $10.00 out per 1M tokens". */
  model?: { name: string; price?: string | undefined };
  /** Where the full run transcript is (the `issue-agent: run` check run). */
  transcriptUrl?: string;
}

export interface RenderOptions {
  /** Literal secrets to redact from every untrusted piece (the installation token in use). */
  secrets?: readonly string[] | undefined;
  /** The issue the run resolves (its own closing keyword may stay). */
  allowCloseIssue?: number | undefined;
}

const ICON: Record<StatusPhase, string> = {
  queued: "⏳",
  working: "🛠️",
  succeeded: "✅",
  no_changes: "ℹ️",
  failed: "❌",
  cancelled: "⏹️",
};

const HEADLINE: Record<StatusPhase, string> = {
  queued: "Queued",
  working: "Working",
  succeeded: "Done",
  no_changes: "Finished without changes",
  failed: "Failed",
  cancelled: "Stopped",
};

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** A bullet list of rendered items, stopping before `maxChars` with "…and N more". */
export function boundedList(items: readonly string[], render: (item: string) => string, maxChars: number): string[] {
  const out: string[] = [];
  let size = 0;
  for (const item of items) {
    const line = `- ${render(item)}`;
    if (size + line.length > maxChars) {
      out.push(`- …and ${items.length - out.length} more`);
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out;
}

/** Room for the model's summary in a status comment (the rest of the comment is bounded too). */
const MAX_SUMMARY_CHARS = 20_000;

export function renderStatus(view: StatusView, options: RenderOptions = {}): string {
  const secrets = options.secrets ?? [];
  const text = (s: string, maxChars?: number) => outboundText(s, { secrets, ...(maxChars ? { maxChars } : {}) });
  const code = (s: string) => outboundCode(s, { secrets });
  const lines: string[] = [`### ${ICON[view.phase]} ${HEADLINE[view.phase]}: ${text(view.title, 200)}`, ""];
  if (view.phase === "queued") {
    lines.push(view.position ? `Waiting for ${view.position} earlier run(s) on this thread.` : "The run will start shortly.");
  }
  if (view.startedAt !== undefined) lines.push(`_Elapsed: ${formatElapsed((view.now ?? Date.now()) - view.startedAt)}_`, "");
  if (view.phase === "working" && (view.currentStep || view.currentCode)) {
    lines.push(
      `**Now:** ${[view.currentStep ? text(view.currentStep, 120) : "", view.currentCode ? code(view.currentCode) : ""].filter(Boolean).join(" ")}`,
      "",
    );
  }
  if (view.plan && view.plan.length > 0) {
    lines.push("**Plan**");
    for (const p of view.plan.slice(0, 30)) {
      const step = text(p.step.trim(), 200);
      lines.push(`- [${p.status === "completed" ? "x" : " "}] ${p.status === "in_progress" ? `**${step}**` : step}`);
    }
    lines.push("");
  }
  if (view.resultUrl)
    lines.push(`**${view.resultLabel ?? "Result"}:** ${/^https:\/\/[^\s<>()[\]]+$/.test(view.resultUrl) ? view.resultUrl : text(view.resultUrl)}`, "");
  if (view.message) lines.push(formatOutbound(view.message, { secrets, allowCloseIssue: options.allowCloseIssue, maxChars: 4_000 }), "");
  // Notes are the app's own text (what the run had to do without).
  if (view.notes && view.notes.length > 0) lines.push(...view.notes.map((n) => `> [!NOTE]\n> ${n}`), "");
  if (view.summary)
    lines.push("**Summary**", "", formatOutbound(view.summary, { secrets, allowCloseIssue: options.allowCloseIssue, maxChars: MAX_SUMMARY_CHARS }), "");
  if (view.configChanges && view.configChanges.length > 0) {
    lines.push("> [!WARNING]", "> This run changes CI or agent configuration:", ...boundedList(view.configChanges, code, 5_000).map((l) => `> ${l}`), "");
  }
  const executed = (view.executedChanges ?? []).filter((f) => !view.configChanges?.includes(f));
  if (executed.length > 0) {
    lines.push(
      "> [!WARNING]",
      "> This run changes files that CI or developer tools execute; read them before CI runs this branch:",
      ...executed.slice(0, 50).map((f) => `> - \`${f}\``),
      "",
    );
  }
  if (view.changedFiles && view.changedFiles.length > 0) {
    lines.push(
      `<details><summary>Changed files (${view.changedFiles.length})</summary>`,
      "",
      ...boundedList(view.changedFiles.slice(0, 100), code, 10_000),
      "",
      "</details>",
      "",
    );
  }
  if (view.testsRun && view.testsRun.length > 0) {
    lines.push(
      "**Tests run**",
      ...view.testsRun.slice(0, 20).map((t) => `- ${code(t.command)} → ${t.exitCode === 0 ? "passed" : `exit ${t.exitCode ?? "killed"}`}`),
      "",
    );
  }
  const stats: string[] = [];
  if (view.turns !== undefined) stats.push(`${view.turns} turns`);
  if (view.tokens !== undefined) stats.push(`${view.tokens.toLocaleString("en-US")} tokens`);
  if (view.costUsd !== undefined)
    stats.push(view.priced === false ? "cost unknown (no price for this model: the operator can set AGENT_MODEL_PRICES)" : `$${view.costUsd.toFixed(2)}`);
  if (view.model) stats.push(`model \`${view.model.name.replace(/`/g, "'")}\`${view.model.price ? ` (${view.model.price})` : ""}`);
  if (stats.length > 0) lines.push(`<sub>${stats.join(" · ")}</sub>`, "");
  if (view.transcriptUrl) lines.push(`<sub>[Run transcript](${view.transcriptUrl})</sub>`, "");
  if (view.hint) lines.push(`<sub>${view.hint}</sub>`);
  return lines.join("\n").trim();
}
