/**
 * A seeded random mix of the pieces attacks are made of (brackets, fences, raw HTML, comments,
 * entities, escapes, URLs, definitions, table syntax, controls), put through every outbound path and
 * rendered with micromark + GFM (not the parser the app uses): whatever the mix, no foreign image,
 * no raw HTML or comment but the app's own, nobody pinged, code spans and table cells intact, the
 * app's own structure still there. A failure prints the input, so it can join text-boundary.test.ts.
 */
import { describe, expect, it } from "vitest";
import { renderStatusBody } from "../../../src/github/status-comment.js";
import { formatOutbound, outboundCode, outboundText } from "../../../src/shared/format-outbound.js";
import { isGitHubImage, mentionsIn, renderGitHub } from "../../helpers/github-render.js";

const PIECES = [
  "![",
  "[",
  "]",
  "(",
  ")",
  "<img src=https://e.x/p.png>",
  "<!--",
  "-->",
  "`",
  "``",
  "*",
  "_",
  "\n",
  "\n\n",
  "\\",
  "https://evil.x/a.png",
  "<",
  ">",
  "|",
  "-",
  "#",
  " ",
  ":",
  '"',
  "&",
  ";",
  "amp",
  "#x3C;",
  "&lt;",
  "@a",
  "[x]: https://e.x/p.png\n",
  "^",
  "!",
  "x",
  "1.",
  "> ",
  "    ",
  "~~~",
  "```",
  "<details>",
  "</details>",
  "<https://e.x/i.png>",
  "www.e.x/p.png",
  "[^1]",
  "[^1]: n\n",
  "=",
  "---",
  "\t",
  "<?",
  "<![CDATA[",
  "]]>",
  "&#33;",
  "&#x21;",
  "\u200B",
  "\u202E",
  "$",
  "(<",
  ">)",
  "'",
  '"t"',
  "<p",
  "img",
  "src=",
  "<a href=x>",
  "</a>",
  "<b>",
  "*/",
  "[x]",
  "[x][]",
  "!\\[",
  "\\]",
  "<pic",
  "ture>",
  "<source srcset=https://e.x/s.png>",
  "\n- ",
  "\n> ",
  "\n| a | b |\n|---|---|\n| ",
  "\n```\n",
  "[a](https://e.x/p.png)",
  "![a](https://github.com/x.png)",
  "![a](https://e.x/p.png)",
  "<img",
  " src=",
  "https://github.com/x.png",
  "\n1. ",
  "**",
  "\n    code",
  "&#60;",
  "&lt;img src=x&gt;",
  "www.e.x",
  "http://e.x/",
  "a@b.co",
  "<mailto:x@y.z>",
  "[^x]",
  '\n[x]: <https://e.x/p.png> "t"\n',
];

function* inputs(seed: number, count: number): Generator<string> {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  for (let n = 0; n < count; n++) {
    let s = "";
    const length = 1 + Math.floor(rand() * 25);
    for (let i = 0; i < length; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
    yield s;
  }
}

function problemsOf(kind: string, posted: string): string[] {
  const r = renderGitHub(posted);
  const problems: string[] = [];
  for (const src of r.images) if (!isGitHubImage(src)) problems.push(`foreign image ${src}`);
  const appElements = kind === "status" ? ["details", "summary", "sub"] : [];
  const raw = r.rawElements.filter((e) => !appElements.includes(e));
  if (raw.length > 0) problems.push(`raw HTML ${raw.join(",")}`);
  if (r.comments.length > (kind === "status" ? 1 : 0)) problems.push("comment");
  if (mentionsIn(r.prose).length > 0) problems.push(`mention ${mentionsIn(r.prose).join(",")}`);
  if (kind === "cell" && (r.html.match(/<td>/g) ?? []).length !== 1) problems.push("table cell split");
  if (kind === "code" && !/^<p>a <code>[^<]*<\/code> b<\/p>$/.test(r.html.trim())) problems.push("code span broken");
  if (
    kind === "status" &&
    (r.rawElements.filter((e) => e === "details").length !== 1 || !r.visible.includes("Changed files (1)") || !r.visible.includes("Comment"))
  )
    problems.push("app structure lost");
  return problems;
}

describe("outbound, fuzzed", () => {
  it.each([1, 2, 3])("seed %i: 150 random mixes through every outbound path", (seed) => {
    const failures: string[] = [];
    for (const s of inputs(seed, 150)) {
      const posts: [string, string][] = [
        ["block", formatOutbound(s)],
        ["text", `a ${outboundText(s)} b`],
        ["code", `a ${outboundCode(s)} b`],
        ["cell", `| h |\n|---|\n| ${outboundText(s)} ${outboundCode(s, { table: true })} |`],
        [
          "status",
          renderStatusBody(
            {
              title: s,
              phase: "failed",
              summary: s,
              message: s,
              changedFiles: [s],
              plan: [{ step: s, status: "pending" }],
              hint: "Comment `/agent fix` to try again.",
            },
            { key: "k" },
          ),
        ],
      ];
      for (const [kind, posted] of posts) {
        const problems = problemsOf(kind, posted);
        if (problems.length > 0) failures.push(`${kind} ${JSON.stringify(s)}: ${problems.join("; ")}\n  posted: ${JSON.stringify(posted)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
