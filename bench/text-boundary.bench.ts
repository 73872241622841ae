/**
 * The text boundary's timing guard (issue #14): the inbound sanitizer and the outbound formatter run
 * on the event loop, on text an attacker writes, so the worst inputs at their size caps must each
 * take under 50 ms. Inputs: the shapes that are quadratic or worse for regex filters or for Markdown
 * parsers (unclosed brackets, emphasis runs, nested quotes, huge tables, entity and HTML floods, long
 * whitespace runs after a keyword, ...), filled to GitHub's 65,536-character body cap inbound and to
 * MAX_MODEL_TEXT_CHARS outbound; plus the assembled status comment and PR body around a worst-case
 * model summary. Each input runs 2 warm-ups and 9 measured runs; the guard is the median CPU time
 * (process.cpuUsage: the work the event loop is held for, steady when other processes load the
 * machine), with the median wall time beside it.
 */
import { performance } from "node:perf_hooks";
import { renderStatusBody } from "../src/github/status-comment.js";
import { formatOutbound, MAX_MODEL_TEXT_CHARS, outboundCode, outboundText } from "../src/shared/format-outbound.js";
import { MAX_INBOUND_CHARS, toModelText } from "../src/shared/sanitize.js";
import { formatPullRequestBody } from "../src/tasks/format-pull-request.js";

const LIMIT_MS = 50;

const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const table = (n: number, cols: number) => `|${"a|".repeat(cols)}\n|${"-|".repeat(cols)}\n${fill("|b\n", n - 4 * cols - 4)}`;

/** Each shape as a function of the cap, so the same attack is measured on both sides. */
const SHAPES: Record<string, (n: number) => string> = {
  "![ repeated (issue #14)": (n) => fill("![", n),
  "[ repeated": (n) => fill("[", n),
  "[[…]] balanced": (n) => fill("[", n / 2) + fill("]", n / 2),
  "[a [a … ](b)": (n) => fill("[a", n / 2) + fill("](b)", n / 2),
  "[a]( repeated": (n) => fill("[a](", n),
  "*a repeated": (n) => fill("*a", n),
  "*a_ repeated": (n) => fill("*a_", n),
  "~a repeated": (n) => fill("~a", n),
  "` runs of growing length": (n) => fill("`a``b```c", n),
  "> nested quotes": (n) => fill(">", n),
  "- nested lists": (n) => fill("- ", n),
  "1,000-column table header over short rows": (n) => table(n, 1_000),
  "table pairs a|b / -|-": (n) => fill("a|b\n-|-\n", n),
  "<b> inline tags": (n) => fill("<b>", n),
  "<a title=…> inline tags with attributes": (n) => fill('<a href="https://x.example" title="t">', n),
  "<div> blocks": (n) => fill("<div>\n\n", n),
  "<!-- --> comments": (n) => fill("<!-- -->", n),
  "unclosed <!-- then text": (n) => `<!--${fill("a ", n - 4)}`,
  "< repeated": (n) => fill("<", n),
  "&#8203; entities": (n) => fill("&#8203;", n),
  "bare URLs": (n) => fill("https://a.example/x ", n),
  "[^a] footnote references": (n) => fill("[^a]", n),
  "[^a]: footnote definitions": (n) => fill("[^a]: b\n", n),
  "[a]: b definitions": (n) => fill("[a]: b\n", n),
  "\\ repeated": (n) => fill("\\", n),
  "hard breaks": (n) => fill("a  \n", n),
  "@ mentions": (n) => fill("@a ", n),
  "fix + spaces (issue #14)": (n) => `fix${" ".repeat(n - 3)}`,
  "fix #1 repeated": (n) => fill("fix #1 ", n),
  "control characters": (n) => fill("\u0007", n),
  "ghs_1_- token starts (redaction)": (n) => fill("ghs_1_-", n),
  "eyJ- token starts (redaction)": (n) => fill("eyJ-", n),
  "tag characters": (n) => fill("\u{E0041}", n),
  "variation selectors after an emoji": (n) => `😀${fill("\uFE0F", n - 2)}`,
  "ordinary prose": (n) => fill("Some ordinary text with `code`, **bold** and [a link](https://x.example) here.\n\n", n),
};

interface Row {
  name: string;
  /** Median CPU milliseconds (the guard). */
  median: number;
  max: number;
  /** Median wall-clock milliseconds. */
  wall: number;
}

function measure(name: string, run: () => unknown): Row {
  run();
  run();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 9; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return { name, median: cpu[4] ?? 0, max: cpu[8] ?? 0, wall: wall[4] ?? 0 };
}

const rows: Row[] = [];
for (const [shape, make] of Object.entries(SHAPES)) {
  const inbound = make(MAX_INBOUND_CHARS);
  const outbound = make(MAX_MODEL_TEXT_CHARS);
  rows.push(measure(`sanitize ${shape} (${inbound.length} chars)`, () => toModelText(inbound)));
  rows.push(measure(`format   ${shape} (${outbound.length} chars)`, () => formatOutbound(outbound)));
}
// Interpolated fragments get the whole body (they cap first), and the assembled posts.
const huge = fill("a`\n@b <!-- ![x](https://e.example/p.png) ", MAX_INBOUND_CHARS);
rows.push(measure(`outboundText of ${huge.length} chars`, () => outboundText(huge)));
rows.push(measure(`outboundCode of ${huge.length} chars`, () => outboundCode(huge)));
const worstSummary = fill("<b>", MAX_MODEL_TEXT_CHARS);
const files = Array.from({ length: 200 }, (_, i) => `src/${"deep/".repeat(50)}file-${i}\n<!--.ts`);
rows.push(
  measure("status comment around a worst summary", () =>
    renderStatusBody(
      {
        title: "resolving issue #1",
        phase: "succeeded",
        summary: worstSummary,
        message: worstSummary,
        changedFiles: files,
        configChanges: files,
        testsRun: files.map((command) => ({ command, exitCode: 1 })),
        plan: files.slice(0, 30).map((step) => ({ step, status: "pending" as const })),
      },
      { key: "k" },
    ),
  ),
);
rows.push(
  measure("PR body around a worst summary and template", () =>
    formatPullRequestBody({
      issueNumber: 1,
      summary: worstSummary,
      changedFiles: files,
      configChanges: files,
      testsRun: files.slice(0, 20).map((command) => ({ command, exitCode: 0 })),
      template: fill("## Summary\n<!-- x -->\n\n", 16_000),
      secrets: [],
      marker: { issue: 1 },
    }),
  ),
);

rows.sort((a, b) => b.median - a.median);
const width = Math.max(...rows.map((r) => r.name.length));
let failed = 0;
for (const r of rows) {
  const ok = r.median < LIMIT_MS;
  if (!ok) failed++;
  console.log(
    `${r.name.padEnd(width)}  cpu median ${r.median.toFixed(1).padStart(5)} ms (max ${r.max.toFixed(1).padStart(5)})  wall median ${r.wall.toFixed(1).padStart(5)} ms  ${ok ? "OK" : `MISSED (limit ${LIMIT_MS} ms)`}`,
  );
}
console.log(
  `${rows.length} inputs at the size caps, slowest cpu median ${rows[0]?.median.toFixed(1)} ms; limit ${LIMIT_MS} ms each: ${failed === 0 ? "OK" : `${failed} MISSED`}`,
);
if (failed > 0) process.exit(1);
