/**
 * The PR body: summary, list of changes, what was tested, `Closes #n`, CI/config changes called
 * out, and the hidden marker carrying the run summary for the next run. When the repository has a
 * pull request template, its sections are kept and ours fill the ones we recognise.
 */
import { formatOutbound, truncateBody } from "../github/format-outbound.js";
import { renderMarker } from "../github/markers.js";
import { sanitizeUntrusted } from "../shared/sanitize.js";
import type { ExecutedChange } from "./executed-paths.js";

export interface PullRequestContent {
  issueNumber: number;
  summary: string;
  changedFiles: string[];
  configChanges: string[];
  /** Changed files CI or tooling executes (executed-paths.ts); listed in a warning at the very top. */
  executedChanges?: readonly ExecutedChange[];
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
  const warning = formatExecutedWarning(c.executedChanges ?? [], c.configChanges);
  const extras = [c.selfReview ? `\n${c.selfReview}` : "", c.transcriptUrl ? `\n[Run transcript](${c.transcriptUrl}): every tool call, edit, test and model turn of this run.` : ""].filter(Boolean);
  const text = [warning, main.trim(), ...extras, "", `Closes #${c.issueNumber}`, "", "<sub>Opened by issue-agent. Review it like any contribution; comment `/agent fix <instructions>` for changes.</sub>"].join("\n");
  return `${truncateBody(formatOutbound(text, { allowCloseIssue: c.issueNumber, secrets: c.secrets }))}\n\n${renderMarker("pr", c.marker)}`;
}

/**
 * The block at the top of an agent-written PR when it touches what CI or tooling runs: workflows on
 * pull requests execute these files with the repository's secrets, so a person reads them first.
 * Empty when no such file changed.
 */
export function formatExecutedWarning(executed: readonly ExecutedChange[], configChanges: readonly string[]): string {
  const items = [
    ...configChanges.map((f) => `> - \`${f}\`: CI or agent configuration`),
    ...executed.filter((e) => !configChanges.includes(e.path)).map((e) => `> - \`${e.path}\`: ${e.kind} (${e.why})`),
  ];
  if (items.length === 0) return "";
  const shown = items.slice(0, 50);
  if (items.length > shown.length) shown.push(`> - …and ${items.length - shown.length} more`);
  return [
    "> [!WARNING]",
    "> **Review these files before any CI runs this branch.** This pull request was written by an AI agent and changes CI or agent configuration, or files that CI and developer tools execute (workflows on pull requests run them with this repository's secrets):",
    ...shown,
    "",
  ].join("\n");
}

const WARNING_HEAD = /^> \[!WARNING\]\n> \*\*Review these files before any CI runs this branch\.\*\*[^\n]*\n((?:> - [^\n]*\n?)*)\n*/;

/**
 * Follow-up commits on the app's own pull request: the warning block at the top of its body gains
 * the executed files this run changed (the ones listed before stay), or is put there if missing.
 */
export function mergeExecutedWarning(body: string, executed: readonly ExecutedChange[], configChanges: readonly string[], secrets: readonly string[] = []): string {
  const block = formatExecutedWarning(executed, configChanges);
  if (!block) return body;
  const fresh = formatOutbound(block, { secrets }).split("\n");
  const found = WARNING_HEAD.exec(body);
  if (!found) return `${fresh.join("\n")}\n${body}`;
  const pathOf = (line: string) => /^> - `([^`]*)`/.exec(line)?.[1] ?? line;
  const old = (found[1] ?? "").split("\n").filter(Boolean);
  const added = fresh.filter((line) => line.startsWith("> - ") && !old.some((o) => pathOf(o) === pathOf(line)));
  return `${[...fresh.slice(0, 2), ...old, ...added].join("\n")}\n\n${body.slice(found[0].length)}`;
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
