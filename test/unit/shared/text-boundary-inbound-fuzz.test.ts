/**
 * Inbound, differential: seeded random mixes of the constructs GitHub hides (comments, alt and
 * title text, attributes, definitions, templates, fence info, footnotes) inside noise that shifts
 * block and inline structure (quotes, lists, tables, raw HTML, fences, escapes). Whenever the
 * independent renderer (micromark + GFM, read back as a browser would) does not show the marker,
 * the model must not get it either. A failure prints the input: add it to text-boundary.test.ts.
 */
import { describe, expect, it } from "vitest";
import { toModelText } from "../../../src/shared/sanitize.js";
import { renderGitHub } from "../../helpers/github-render.js";

const PIECES = [
  "<!-- SECRET -->",
  "![SECRET](https://x.y/p.png)",
  '[a](https://x.y "SECRET")',
  "<span title=SECRET>",
  "<img alt=SECRET src=x>",
  '<img alt="SECRET" src="https://x.y/p.png">',
  "[//]: # (SECRET)\n",
  "\n[//]: # (SECRET)\n",
  "<template>SECRET</template>",
  "```js SECRET\n",
  "<!--",
  "-->",
  "SEC",
  "RET",
  "`",
  "\n",
  "\n\n",
  "[",
  "]",
  "(",
  ")",
  "<",
  ">",
  "!",
  "*",
  "_",
  "\\",
  "&lt;",
  "&#60;",
  "<b>",
  "</b>",
  "<div>",
  "</div>",
  "\n> ",
  "\n- ",
  "    ",
  "|",
  "\n|---|\n",
  "x",
  " ",
  "<details>",
  "</details>",
  '"',
  "'",
  "=",
  "[^1]",
  "[^1]: SECRET\n",
  ":",
  '<a href="x"></a>',
  "<a href=x>",
  "</a>",
  "<svg>",
  "</svg>",
  "<?",
  "?>",
];

function* inputs(seed: number, count: number): Generator<string> {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let n = 0; n < count; n++) {
    let s = "";
    const length = 1 + Math.floor(rand() * 14);
    for (let i = 0; i < length; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
    yield s;
  }
}

describe("inbound, fuzzed against an independent renderer", () => {
  it.each([1, 2, 3])("seed %i: what GitHub hides never reaches the model", (seed) => {
    const leaks: string[] = [];
    for (const s of inputs(seed, 400)) {
      const hiddenOnGitHub = !renderGitHub(s).visible.replace(/\s+/g, "").includes("SECRET");
      if (hiddenOnGitHub && toModelText(s).text.replace(/\s+/g, "").includes("SECRET")) leaks.push(JSON.stringify(s));
    }
    expect(leaks).toEqual([]);
  });
});
