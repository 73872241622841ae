/**
 * The PR body: summary, list of changes, what was tested, `Closes #n`, CI/config changes called
 * out, and the hidden marker carrying the run summary for the next run. When the repository has a
 * pull request template, its sections are kept and ours fill the ones we recognise.
 */
import { formatOutbound, truncateBody } from "../github/format-outbound.js";
import { renderMarker } from "../github/markers.js";
import { sanitizeUntrusted } from "../shared/sanitize.js";

export interface PullRequestContent {
  issueNumber: number;
  summary: string;
  changedFiles: string[];
  configChanges: string[];
  testsRun: { command: string; exitCode: number | null }[];
  template: string | null;
  secrets: readonly string[];
  marker: { [key: string]: string | number | boolean };
  /** The security self-review section (format-self-review.ts); empty: none. */
  selfReview?: string;
  /** Link to the run transcript (the `issue-agent: run` check run). */
  transcriptUrl?: string | undefined;
}

function testsSection(tests: PullRequestContent["testsRun"]): string {
  if (tests.length === 0) return "_The agent did not run any tests._";
  return tests.slice(0, 20).map((t) => `- \`${t.command.replace(/`/g, "'")}\` → ${t.exitCode === 0 ? "passed" : `exit ${t.exitCode ?? "killed"}`}`).join("\n");
}

function changesSection(files: string[]): string {
  return files.slice(0, 200).map((f) => `- \`${f}\``).join("\n") + (files.length > 200 ? `\n- …and ${files.length - 200} more` : "");
}

function fillTemplate(template: string, sections: { summary: string; changes: string; tests: string }): string | null {
  const clean = sanitizeUntrusted(template);
  const parts = clean.split(/^(?=#{1,3} )/m);
  let filled = 0;
  const out = parts.map((part) => {
    const heading = /^#{1,3} (.*)$/m.exec(part)?.[1]?.toLowerCase() ?? "";
    const head = part.split("\n")[0] ?? "";
    if (/summary|description|what|why|overview/.test(heading)) return (filled++, `${head}\n\n${sections.summary}\n\n`);
    if (/change/.test(heading)) return (filled++, `${head}\n\n${sections.changes}\n\n`);
    if (/test|verif|how/.test(heading)) return (filled++, `${head}\n\n${sections.tests}\n\n`);
    return part;
  });
  return filled > 0 ? out.join("") : null;
}

export function formatPullRequestBody(c: PullRequestContent): string {
  const sections = { summary: c.summary.trim() || "_No summary._", changes: changesSection(c.changedFiles), tests: testsSection(c.testsRun) };
  const fromTemplate = c.template ? fillTemplate(c.template, sections) : null;
  const main =
    fromTemplate ??
    [`## Summary`, "", sections.summary, "", `## Changes`, "", sections.changes, "", `## Tests`, "", sections.tests, ...(c.template ? ["", sanitizeUntrusted(c.template)] : [])].join("\n");
  const warning =
    c.configChanges.length > 0
      ? ["> [!WARNING]", "> This pull request changes CI or agent configuration. Review these files with care:", ...c.configChanges.map((f) => `> - \`${f}\``), ""].join("\n")
      : "";
  const extras = [c.selfReview ? `\n${c.selfReview}` : "", c.transcriptUrl ? `\n[Run transcript](${c.transcriptUrl}): every tool call, edit, test and model turn of this run.` : ""].filter(Boolean);
  const text = [warning, main.trim(), ...extras, "", `Closes #${c.issueNumber}`, "", "<sub>Opened by issue-agent. Review it like any contribution; comment `/agent fix <instructions>` for changes.</sub>"].join("\n");
  return `${truncateBody(formatOutbound(text, { allowCloseIssue: c.issueNumber, secrets: c.secrets }))}\n\n${renderMarker("pr", c.marker)}`;
}

/** A single-line PR title / commit subject from the model's title. */
export function formatTitle(title: string, fallback: string): string {
  const line = sanitizeUntrusted(title).split("\n")[0]?.trim() ?? "";
  return formatOutbound((line || fallback).slice(0, 120));
}

export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/g, "") || "change"
  );
}
