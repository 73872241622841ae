/**
 * The one status comment a run keeps editing: queued -> working (plan checklist, current step,
 * elapsed) -> result (PR or commits, summary, tests, turns, tokens, cost) or a failure with what
 * the user can do. Pure rendering; text from the model goes through formatOutbound by the caller.
 */
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
  currentStep?: string;
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
  /** Failure or explanation text, already safe to post. */
  message?: string;
  /** How to go on, e.g. "Comment `/agent fix` to try again." */
  hint?: string;
  /** What the run had to do without (e.g. review threads it could not read); shown in every state. */
  notes?: string[];
  /** The model of this run and its price, e.g. "$1.25 in / $10.00 out per 1M tokens". */
  model?: { name: string; price?: string | undefined };
  /** Where the full run transcript is (the `issue-agent: run` check run). */
  transcriptUrl?: string;
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

export function renderStatus(view: StatusView): string {
  const lines: string[] = [`### ${ICON[view.phase]} ${HEADLINE[view.phase]}: ${view.title}`, ""];
  if (view.phase === "queued") {
    lines.push(view.position ? `Waiting for ${view.position} earlier run(s) on this thread.` : "The run will start shortly.");
  }
  if (view.startedAt !== undefined) lines.push(`_Elapsed: ${formatElapsed((view.now ?? Date.now()) - view.startedAt)}_`, "");
  if (view.phase === "working" && view.currentStep) lines.push(`**Now:** ${view.currentStep}`, "");
  if (view.plan && view.plan.length > 0) {
    lines.push("**Plan**");
    for (const p of view.plan) lines.push(`- [${p.status === "completed" ? "x" : " "}] ${p.status === "in_progress" ? `**${p.step}**` : p.step}`);
    lines.push("");
  }
  if (view.resultUrl) lines.push(`**${view.resultLabel ?? "Result"}:** ${view.resultUrl}`, "");
  if (view.message) lines.push(view.message, "");
  if (view.notes && view.notes.length > 0) lines.push(...view.notes.map((n) => `> [!NOTE]\n> ${n}`), "");
  if (view.summary) lines.push("**Summary**", "", view.summary, "");
  if (view.configChanges && view.configChanges.length > 0) {
    lines.push("> [!WARNING]", "> This run changes CI or agent configuration:", ...view.configChanges.map((f) => `> - \`${f}\``), "");
  }
  const executed = (view.executedChanges ?? []).filter((f) => !view.configChanges?.includes(f));
  if (executed.length > 0) {
    lines.push("> [!WARNING]", "> This run changes files that CI or developer tools execute; read them before CI runs this branch:", ...executed.slice(0, 50).map((f) => `> - \`${f}\``), "");
  }
  if (view.changedFiles && view.changedFiles.length > 0) {
    lines.push(`<details><summary>Changed files (${view.changedFiles.length})</summary>`, "", ...view.changedFiles.slice(0, 100).map((f) => `- \`${f}\``), "", "</details>", "");
  }
  if (view.testsRun && view.testsRun.length > 0) {
    lines.push("**Tests run**", ...view.testsRun.slice(0, 20).map((t) => `- \`${t.command.replace(/`/g, "'")}\` → ${t.exitCode === 0 ? "passed" : `exit ${t.exitCode ?? "killed"}`}`), "");
  }
  const stats: string[] = [];
  if (view.turns !== undefined) stats.push(`${view.turns} turns`);
  if (view.tokens !== undefined) stats.push(`${view.tokens.toLocaleString("en-US")} tokens`);
  if (view.costUsd !== undefined) stats.push(view.priced === false ? "cost unknown (no price for this model: the operator can set AGENT_MODEL_PRICES)" : `$${view.costUsd.toFixed(2)}`);
  if (view.model) stats.push(`model \`${view.model.name.replace(/`/g, "'")}\`${view.model.price ? ` (${view.model.price})` : ""}`);
  if (stats.length > 0) lines.push(`<sub>${stats.join(" · ")}</sub>`, "");
  if (view.transcriptUrl) lines.push(`<sub>[Run transcript](${view.transcriptUrl})</sub>`, "");
  if (view.hint) lines.push(`<sub>${view.hint}</sub>`);
  return lines.join("\n").trim();
}
