/**
 * The PR body: summary, list of changes, what was tested, `Closes #n`, CI/config changes called
 * out, and the hidden marker carrying the run summary for the next run. When the repository has a
 * pull request template, its sections are kept and ours fill the ones we recognise.
 *
 * The body is assembled by the app from pieces that are each safe on their own: the model's summary
 * and the template rebuilt by formatOutbound, file names and commands as code spans that cannot end
 * early. The warning block, `Closes #n` and the marker are the app's and go around them.
 */
import { renderMarker } from "../github/markers.js";
import { boundedList } from "../github/format-status.js";
import { formatOutbound, MAX_BODY_CHARS, neutralizeClosingKeywords, neutralizeMentions, outboundCode } from "../shared/format-outbound.js";
import { parseMarkdown } from "../shared/markdown.js";
import { toModelLine } from "../shared/sanitize.js";
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

/** Budgets that keep the whole body (marker included) under GitHub's 65,536 characters. */
const MAX_TEMPLATE_CHARS = 12_000;
const MAX_SUMMARY_CHARS = 16_000;

function testsSection(tests: PullRequestContent["testsRun"], secrets: readonly string[]): string {
  if (tests.length === 0) return "_The agent did not run any tests._";
  return tests
    .slice(0, 20)
    .map((t) => `- ${outboundCode(t.command, { secrets })} → ${t.exitCode === 0 ? "passed" : `exit ${t.exitCode ?? "killed"}`}`)
    .join("\n");
}

function changesSection(files: readonly string[]): string {
  return boundedList(files.slice(0, 200), (f) => outboundCode(f), 10_000).join("\n") + (files.length > 200 ? `\n- …and ${files.length - 200} more` : "");
}

/**
 * The template's sections (split at its level 1–3 headings, found by the Markdown parser), each
 * rebuilt like model text but with its HTML comments and tags left out; the sections we recognise
 * get our text under their heading.
 */
function fillTemplate(template: string, sections: { summary: string; changes: string; tests: string }): string | null {
  const lines = template.replace(/\r\n?/g, "\n").split("\n");
  const { tokens } = parseMarkdown(template.replace(/\r\n?/g, "\n"), { linkify: false });
  const headings: { start: number; end: number; text: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.type === "heading_open" && t.level === 0 && Number(t.tag.slice(1)) <= 3 && t.map)
      headings.push({ start: t.map[0], end: t.map[1], text: tokens[i + 1]?.content.toLowerCase() ?? "" });
  }
  const format = (from: number, to: number) =>
    formatOutbound(lines.slice(from, to).join("\n"), { html: "drop", minHeadingLevel: 1, maxChars: MAX_TEMPLATE_CHARS });
  const out: string[] = [];
  if ((headings[0]?.start ?? lines.length) > 0) out.push(format(0, headings[0]?.start ?? lines.length));
  let filled = 0;
  headings.forEach((h, i) => {
    const next = headings[i + 1]?.start ?? lines.length;
    const ours = /summary|description|what|why|overview/.test(h.text)
      ? sections.summary
      : /change/.test(h.text)
        ? sections.changes
        : /test|verif|how/.test(h.text)
          ? sections.tests
          : null;
    if (ours === null) out.push(format(h.start, next));
    else {
      filled++;
      out.push(format(h.start, h.end), ours);
    }
  });
  return filled > 0 ? out.filter((part) => part.trim()).join("\n\n") : null;
}

export function formatPullRequestBody(c: PullRequestContent): string {
  const template = c.template ? c.template.slice(0, MAX_TEMPLATE_CHARS) : null;
  const summary = c.summary.trim() ? formatOutbound(c.summary, { secrets: c.secrets, maxChars: MAX_SUMMARY_CHARS }) : "_No summary._";
  const sections = { summary, changes: changesSection(c.changedFiles), tests: testsSection(c.testsRun, c.secrets) };
  const plain = (withTemplate: boolean) =>
    [
      "## Summary",
      "",
      sections.summary,
      "",
      "## Changes",
      "",
      sections.changes,
      "",
      "## Tests",
      "",
      sections.tests,
      ...(withTemplate && template ? ["", formatOutbound(template, { html: "drop", minHeadingLevel: 1, maxChars: MAX_TEMPLATE_CHARS })] : []),
    ].join("\n");
  const warning = formatExecutedWarning(c.executedChanges ?? [], c.configChanges, c.secrets);
  let main = (template ? fillTemplate(template, sections) : null) ?? plain(true);
  // Every piece is bounded; should the template still push the body past GitHub's cap, leave it out
  // rather than cut the body (a cut could leave the app's own lines inside the model's code fence).
  if (warning.length + main.length > MAX_BODY_CHARS) main = plain(false);
  // The self-review section names paths and titles from the agent's diff: made safe like model text.
  const extras = [
    c.selfReview ? `\n${formatOutbound(c.selfReview, { secrets: c.secrets, maxChars: 20_000 })}` : "",
    c.transcriptUrl ? `\n[Run transcript](${c.transcriptUrl}): every tool call, edit, test and model turn of this run.` : "",
  ].filter(Boolean);
  const text = [
    warning,
    main.trim(),
    ...extras,
    "",
    `Closes #${c.issueNumber}`,
    "",
    "<sub>Opened by issue-agent. Review it like any contribution; comment `/agent fix <instructions>` for changes.</sub>",
  ].join("\n");
  return `${text}\n\n${renderMarker("pr", c.marker)}`;
}

/**
 * The block at the top of an agent-written PR when it touches what CI or tooling runs: workflows on
 * pull requests execute these files with the repository's secrets, so a person reads them first.
 * Empty when no such file changed.
 */
export function formatExecutedWarning(executed: readonly ExecutedChange[], configChanges: readonly string[], secrets: readonly string[] = []): string {
  const items = [
    // Paths come from the agent's tree: code spans that no backtick or markup in a name can break.
    ...configChanges.map((f) => `> - ${outboundCode(f, { secrets })}: CI or agent configuration`),
    ...executed.filter((e) => !configChanges.includes(e.path)).map((e) => `> - ${outboundCode(e.path, { secrets })}: ${e.kind} (${e.why})`),
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
export function mergeExecutedWarning(
  body: string,
  executed: readonly ExecutedChange[],
  configChanges: readonly string[],
  secrets: readonly string[] = [],
): string {
  const block = formatExecutedWarning(executed, configChanges, secrets);
  if (!block) return body;
  const fresh = block.split("\n");
  const found = WARNING_HEAD.exec(body);
  if (!found) return `${fresh.join("\n")}\n${body}`;
  // `> - <path>: <kind>`: the path part decides whether a file is listed already.
  const pathOf = (line: string) => (line.includes(": ") ? line.slice(0, line.indexOf(": ")) : line);
  const old = (found[1] ?? "").split("\n").filter(Boolean);
  const added = fresh.filter((line) => line.startsWith("> - ") && !old.some((o) => pathOf(o) === pathOf(line)));
  return `${[...fresh.slice(0, 2), ...old, ...added].join("\n")}\n\n${body.slice(found[0].length)}`;
}

/**
 * A single-line PR title / commit subject from the model's title. Titles are not Markdown (GitHub
 * shows them as typed), so nothing is escaped; invisible characters go, mentions and foreign closing
 * keywords (a commit subject closes issues when merged) are neutralised.
 */
export function formatTitle(title: string, fallback: string): string {
  const line = toModelLine(title.replace(/\r\n?/g, "\n").split("\n")[0] ?? "", 120);
  return neutralizeClosingKeywords(neutralizeMentions(line || toModelLine(fallback, 120)));
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
