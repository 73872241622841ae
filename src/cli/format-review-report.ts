/** The human-readable review report: one block per finding, worst first, then coverage and notes. */
import type { Finding, ReviewResult, Severity, UnanchoredFinding } from "../review/types.js";
import { severityRank } from "../review/types.js";

function location(f: Finding | UnanchoredFinding): string {
  if (f.line === undefined) return f.path;
  return f.startLine !== undefined && f.startLine !== f.line ? `${f.path}:${f.startLine}-${f.line}` : `${f.path}:${f.line}`;
}

function block(f: Finding | UnanchoredFinding): string[] {
  const lines = [`${f.severity.toUpperCase().padEnd(8)} ${location(f)}  ${f.cwe}  ${f.title}`];
  for (const l of f.explanation.trim().split("\n")) lines.push(`         ${l}`);
  if ("reason" in f) lines.push(`         (not anchored to a changed line: ${f.reason})`);
  if (f.suggestedFix) {
    lines.push("         Suggested fix:");
    for (const l of f.suggestedFix.split("\n")) lines.push(`           ${l}`);
  }
  return lines;
}

const bySeverity = (a: { severity: Severity; path: string }, b: { severity: Severity; path: string }) =>
  severityRank(b.severity) - severityRank(a.severity) || a.path.localeCompare(b.path);

export function formatReviewReport(review: ReviewResult, base: string): string {
  const all = [...review.findings, ...review.unanchored];
  const counts = new Map<Severity, number>();
  for (const f of all) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const tally = (["critical", "high", "medium", "low"] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(", ");
  const out: string[] = [
    `Security review against ${base}: ${all.length === 0 ? "no findings" : `${all.length} finding${all.length === 1 ? "" : "s"} (${tally})`}`,
    "",
  ];
  for (const f of [...review.findings].sort(bySeverity)) out.push(...block(f), "");
  for (const f of [...review.unanchored].sort(bySeverity)) out.push(...block(f), "");
  const c = review.coverage;
  out.push(
    `Coverage: ${c.filesReviewed} file${c.filesReviewed === 1 ? "" : "s"}, ${c.linesReviewed} changed line${c.linesReviewed === 1 ? "" : "s"} reviewed; model review: ${c.modelReviewed ? (c.modelTruncated ? "yes, on part of the diff (size cap)" : "yes") : `no${c.modelNote ? ` (${c.modelNote})` : ""}`}`,
  );
  if (c.skipped.length > 0) out.push(`Skipped: ${c.skipped.map((s) => `${s.path} (${s.reason})`).join(", ")}`);
  for (const note of review.notes) out.push(`Note: ${note}`);
  return `${out.join("\n")}\n`;
}
