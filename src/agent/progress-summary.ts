import type { PlanStep, RunAgentResult } from "./types.js";

/** What was done and what is left, for a run that stopped before the model finished. */
export function formatProgressSummary(p: {
  reason: string;
  plan: readonly PlanStep[];
  changedFiles: readonly string[] | undefined;
  testsRun: RunAgentResult["testsRun"];
  lastText: string;
  turns: number;
}): string {
  const out = [`Stopped after ${p.turns} turn${p.turns === 1 ? "" : "s"}: ${p.reason}`];
  const done = p.plan.filter((s) => s.status === "completed");
  const left = p.plan.filter((s) => s.status !== "completed");
  if (done.length) out.push(`\nDone:\n${done.map((s) => `- ${s.step}`).join("\n")}`);
  if (left.length) out.push(`\nLeft to do:\n${left.map((s) => `- ${s.step}${s.status === "in_progress" ? " (in progress)" : ""}`).join("\n")}`);
  if (p.changedFiles)
    out.push(
      p.changedFiles.length
        ? `\nFiles changed:\n${p.changedFiles
            .slice(0, 50)
            .map((f) => `- ${f}`)
            .join("\n")}`
        : "\nNo files were changed.",
    );
  if (p.testsRun.length)
    out.push(
      `\nTests run:\n${p.testsRun
        .slice(-10)
        .map((t) => `- \`${t.command.slice(0, 200)}\` exit ${t.exitCode ?? "killed"}`)
        .join("\n")}`,
    );
  if (p.lastText.trim()) out.push(`\nLast note from the agent:\n${p.lastText.trim().slice(0, 2000)}`);
  return out.join("\n");
}
