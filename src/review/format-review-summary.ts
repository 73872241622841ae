/**
 * The summary comment: every finding (inline or not), what got fixed since the last run, and the
 * coverage (what was reviewed, what was skipped and why), so "no findings" never hides a
 * truncation. `summarizeState` is the bookkeeping; `formatReviewSummary` the markdown.
 */
import { formatOutbound, outboundCode, outboundText } from "../shared/format-outbound.js";
import { cweLink, oneLine, severityBadge } from "./format-review-comment.js";
import { renderSummaryMarker, type SummaryEntry, type SummaryMarker } from "./review-markers.js";
import { SEVERITY_ORDER, type Finding, type ReviewResult, type SkippedFile, type UnanchoredFinding } from "./types.js";

export const SUMMARY_HEADING = "## 🛡️ issue-agent security review";

export interface SummaryState {
  open: SummaryEntry[];
  resolved: SummaryEntry[];
}

function entryOf(f: Finding | UnanchoredFinding): SummaryEntry {
  const e: SummaryEntry = { fp: f.fingerprint, severity: f.severity, title: oneLine(f.title), path: f.path, source: f.source };
  if (f.line !== undefined) e.line = f.line;
  return e;
}

/**
 * Open = found now. Resolved = open last time and not found now, except model findings when the
 * model did not run this time (absence of evidence is not a fix).
 */
export function summarizeState(result: ReviewResult, previous: SummaryMarker | null): SummaryState {
  const open = [...result.findings, ...result.unanchored].map(entryOf);
  const now = new Set(open.map((e) => e.fp));
  const resolved: SummaryEntry[] = [...(previous?.resolved ?? [])].filter((e) => !now.has(e.fp));
  for (const e of previous?.open ?? []) {
    if (now.has(e.fp) || resolved.some((r) => r.fp === e.fp)) continue;
    if (e.source === "model" && !result.coverage.modelReviewed) open.push(e);
    else resolved.push(e);
  }
  return { open, resolved };
}

/** A note (the app's words around an error message) on one line, rebuilt so only text, links and code survive. */
function inlineNote(text: string, max: number): string {
  return formatOutbound(oneLine(text, max), { maxChars: max * 2 }).replace(/\n/g, " ");
}

/** Where a finding is, as a code span; `table` when it sits in a table cell. */
function location(e: { path: string; line?: number; startLine?: number }, table = false): string {
  const range = e.line === undefined ? "" : e.startLine !== undefined ? `:${e.startLine}-${e.line}` : `:${e.line}`;
  return outboundCode(`${e.path}${range}`, { table });
}

function countBySeverity(list: readonly { severity: Finding["severity"] }[]): string {
  return [...SEVERITY_ORDER]
    .reverse()
    .map((s) => [s, list.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

const SKIP_LABEL: Record<SkippedFile["reason"], string> = {
  binary: "binary",
  vendored: "vendored",
  generated: "generated",
  lockfile: "lockfiles (dependency check only)",
  "size-cap": "over the size cap",
  ignored: "ignored by review.ignorePaths",
  deleted: "deleted",
};

function coverageLines(result: ReviewResult, textFiles: number): string[] {
  const c = result.coverage;
  const lines = [
    `- Model review: ${c.modelReviewed ? `${c.filesReviewed} file(s), ${c.linesReviewed} added line(s)` : "not run"}${c.modelNote ? ` (${inlineNote(c.modelNote, 300)})` : ""}.`,
    `- Secrets, hidden characters and dependency versions: checked in all ${textFiles} changed text file(s).`,
  ];
  const byReason = new Map<string, string[]>();
  for (const s of c.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.path]);
  for (const [reason, paths] of byReason) {
    const shown = paths
      .slice(0, 10)
      .map((p) => outboundCode(p))
      .join(", ");
    lines.push(
      `- Skipped, ${SKIP_LABEL[reason as SkippedFile["reason"]]}: ${paths.length} file(s): ${shown}${paths.length > 10 ? `, and ${paths.length - 10} more` : ""}.`,
    );
  }
  if (c.modelTruncated) lines.push("- ⚠️ The diff is larger than the model's budget: the files listed as over the size cap were not read by the model.");
  return lines;
}

export interface SummaryInput {
  result: ReviewResult;
  state: SummaryState;
  headSha: string;
  pr: number;
  /** Fingerprints that have an inline comment (this run or an earlier one). */
  inline: ReadonlySet<string>;
  /** Changed text files (for the coverage line). */
  textFiles: number;
}

export function formatReviewSummary(input: SummaryInput): string {
  const { result, state } = input;
  const all: (Finding | UnanchoredFinding)[] = [...result.findings, ...result.unanchored];
  const incomplete = result.coverage.modelTruncated || result.coverage.skipped.some((s) => s.reason === "size-cap") || !result.coverage.modelReviewed;
  const out = [SUMMARY_HEADING, ""];
  if (all.length === 0) {
    out.push(`No findings on \`${input.headSha.slice(0, 7)}\`${incomplete ? ", **but the review was not complete: see Coverage below**" : ""}.`);
  } else {
    out.push(
      `**${all.length} finding(s)** on \`${input.headSha.slice(0, 7)}\` (${countBySeverity(all)}).${incomplete ? " The review was not complete: see Coverage below." : ""}`,
      "",
    );
    out.push("| Severity | Finding | Where | |", "| --- | --- | --- | --- |");
    for (const f of all) {
      const where = "reason" in f ? "not in the diff" : input.inline.has(f.fingerprint) ? "inline" : "summary only";
      out.push(`| ${severityBadge(f.severity)} | ${outboundText(oneLine(f.title, 100))} (${cweLink(f.cwe)}) | ${location(f, true)} | ${where} |`);
    }
  }
  if (result.unanchored.length > 0) {
    out.push("", "### Findings outside the diff", "");
    for (const f of result.unanchored)
      out.push(
        `- **${outboundText(oneLine(f.title))}** ${location(f)}: ${outboundText(oneLine(f.reason, 200))}. ${outboundText(oneLine(f.explanation, 600), { maxChars: 600 })}`,
      );
  }
  const carried = state.open.filter((e) => !all.some((f) => f.fingerprint === e.fp));
  if (carried.length > 0) {
    out.push("", "### Still open from earlier reviews (not re-checked: the model did not run)", "");
    for (const e of carried) out.push(`- ${severityBadge(e.severity)} ${outboundText(oneLine(e.title))} ${location(e)}`);
  }
  if (state.resolved.length > 0) {
    out.push("", "### Resolved", "");
    for (const e of state.resolved.slice(-30)) out.push(`- ✅ ~~${outboundText(oneLine(e.title))}~~ ${location(e)}`);
  }
  out.push("", "### Coverage", "", ...coverageLines(result, input.textFiles));
  if (result.notes.length > 0) out.push("", "### Notes", "", ...result.notes.slice(0, 30).map((n) => `- ${inlineNote(n, 400)}`));
  out.push("", "<sub>Reply `/agent fix` on an inline finding to have it fixed. Findings are anchored to the reviewed commit.</sub>");
  return `${out.join("\n")}\n${renderSummaryMarker({ pr: input.pr, sha: input.headSha, open: state.open, resolved: state.resolved })}`;
}

/**
 * The short note that replaces a review when a PR changes more files than the operator's cap: the
 * earlier findings stay in the marker (they are neither re-checked nor resolved).
 */
export function formatTooManyFilesNote(input: { files: number; max: number; headSha: string; pr: number; previous: SummaryMarker | null }): string {
  return notReviewedNote(
    `Not reviewed: \`${input.headSha.slice(0, 7)}\` changes ${input.files} files, more than the ${input.max} a security review covers on this installation (\`AGENT_REVIEW_MAX_FILES\`). Findings from earlier reviews below, if any, were not re-checked.`,
    input,
  );
}

/** The review failed: why (the app's explanation of the error, made safe), and how to ask again. */
export function formatReviewFailedNote(input: { message: string; hint: string; headSha: string; pr: number; previous: SummaryMarker | null }): string {
  return notReviewedNote(
    `**The security review of \`${input.headSha.slice(0, 7)}\` failed:** ${inlineNote(input.message, 600)}\n\n${inlineNote(input.hint, 300)} Findings from earlier reviews below, if any, were not re-checked.`,
    input,
  );
}

/** A summary saying why this head has no review, keeping what earlier reviews left open. */
function notReviewedNote(why: string, input: { headSha: string; pr: number; previous: SummaryMarker | null }): string {
  const text = [SUMMARY_HEADING, "", why];
  const open = input.previous?.open ?? [];
  if (open.length > 0)
    text.push("", "### Still open from earlier reviews", "", ...open.map((e) => `- ${severityBadge(e.severity)} ${formatOutbound(e.title)} ${location(e)}`));
  return `${text.join("\n")}\n${renderSummaryMarker({ pr: input.pr, sha: input.previous?.sha ?? input.headSha, open, resolved: input.previous?.resolved ?? [] })}`;
}
