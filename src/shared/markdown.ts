/**
 * The one Markdown parser both sides of the text boundary use: CommonMark with GitHub's extensions
 * (tables, strikethrough, autolinked URLs, footnotes; task-list boxes stay text), raw HTML
 * recognised exactly where CommonMark recognises it. markdown-it, not micromark: on this project's
 * machines micromark took 100+ ms for 64 KiB of ordinary prose and seconds to minutes on some
 * crafted inputs (`*a_` repeated: 39 s), far past the 50 ms the event loop can spare. The 14.x line,
 * not 15.x: 15's compiled token class is about twice as slow on token-heavy input.
 *
 * One fix makes it agree with CommonMark (and GitHub) where markdown-it trades correctness for speed:
 * after an unclosed `<?`, `<!--`, `<![CDATA[` or `<!X` in a paragraph, markdown-it 14 reads every
 * later comment in that paragraph as text, so `a <? <!-- hidden -->` would show the model a comment
 * GitHub hides. Here each such construct ends at its first terminator, found with a memo that keeps
 * the search linear. And a line right after a link reference definition continues it, as in
 * CommonMark (definitions live in paragraphs), instead of starting an indented code block: there,
 * `[//]: # (x)` followed by an indented `<!-- … -->` is a comment GitHub hides, not code.
 *
 * Tables are split into cells as GitHub splits them (shared/gfm-table.ts), and only a paragraph
 * line can be a table's header, as on GitHub.
 *
 * Two bounds keep markdown-it linear in practice on hostile input, both measured by `npm run bench`
 * (bench/text-boundary.bench.ts): link and image labels nest at most MAX_LABEL_DEPTH deep while
 * scanning for their end, as markdown-it does past its own nesting cap (`![` × 32,768 otherwise
 * costs 20 scans per label); a table has at most TABLE_CELL_BUDGET cells (gfm-table.ts).
 */
import MarkdownIt, { type StateInline, type Token } from "markdown-it";
import footnote from "markdown-it-footnote";
import code from "markdown-it/lib/rules_block/code.mjs";
import htmlBlock from "markdown-it/lib/rules_block/html_block.mjs";
import reference from "markdown-it/lib/rules_block/reference.mjs";
import htmlInline from "markdown-it/lib/rules_inline/html_inline.mjs";
import image from "markdown-it/lib/rules_inline/image.mjs";
import link from "markdown-it/lib/rules_inline/link.mjs";
import { gfmTable } from "./gfm-table.js";

export { TABLE_CELL_BUDGET } from "./gfm-table.js";

export type { Token };

/** Link/image labels nested deeper than this (while looking for their `]`) are text. */
export const MAX_LABEL_DEPTH = 4;
/** Block and inline nesting (markdown-it's own cap; content nested deeper is not parsed). */
const MAX_NESTING = 20;

/** The line right after the last link reference definition parsed (paragraph continuation there). */
const AFTER_DEFINITION = Symbol("afterDefinition");

/** Per inline state and terminator: the first occurrence found at or after `from` (-1: none). */
const terminatorMemo = new WeakMap<StateInline, Map<string, { from: number; at: number }>>();

/** End of the first `terminator` at or after `start`, within the inline content; -1 if none. */
function findTerminator(state: StateInline, terminator: string, start: number): number {
  let memo = terminatorMemo.get(state);
  if (!memo) terminatorMemo.set(state, (memo = new Map()));
  const known = memo.get(terminator);
  let at: number;
  // Nothing lies between `from` and `at`, so any start in that range has the same answer.
  if (known && start >= known.from && (known.at === -1 || start <= known.at)) at = known.at;
  else {
    at = state.src.indexOf(terminator, start);
    memo.set(terminator, { from: start, at });
  }
  return at !== -1 && at + terminator.length <= state.posMax ? at + terminator.length : -1;
}

/** Comment, processing instruction, CDATA or declaration at `pos` (CommonMark 0.31): its end, or -1. */
function scanHtmlSpecial(state: StateInline, pos: number): number {
  const src = state.src;
  if (src.startsWith("<!--", pos)) {
    if (src.startsWith(">", pos + 4)) return pos + 5;
    if (src.startsWith("->", pos + 4)) return pos + 6;
    return findTerminator(state, "-->", pos + 4);
  }
  if (src.startsWith("<![CDATA[", pos)) return findTerminator(state, "]]>", pos + 9);
  if (src.charCodeAt(pos + 1) === 0x3f) return findTerminator(state, "?>", pos + 2);
  const letter = src.charCodeAt(pos + 2) | 0x20;
  return letter >= 0x61 && letter <= 0x7a ? findTerminator(state, ">", pos + 3) : -1;
}

function createParser(linkify: boolean): MarkdownIt {
  const md = new MarkdownIt({ html: true, linkify }).use(footnote);
  Object.assign(md.options, { maxNesting: MAX_NESTING });
  // GitHub autolinks `www.` and scheme URLs, not bare `example.com`.
  md.linkify.set({ fuzzyLink: false });
  for (const [name, original] of [
    ["link", link],
    ["image", image],
  ] as const) {
    md.inline.ruler.at(name, (state, silent) => {
      if (!silent || state.level <= MAX_LABEL_DEPTH) return original(state, silent);
      // What markdown-it itself does past maxNesting: the label being scanned cannot close, which
      // ends every enclosing scan at once instead of one scan per level.
      state.pos = state.posMax;
      return true;
    });
  }
  md.inline.ruler.at("html_inline", (state, silent) => {
    const pos = state.pos;
    const second = state.src.charCodeAt(pos + 1);
    if (state.src.charCodeAt(pos) !== 0x3c || pos + 2 >= state.posMax || (second !== 0x21 && second !== 0x3f)) return htmlInline(state, silent);
    const end = scanHtmlSpecial(state, pos);
    if (end < 0) return false;
    if (!silent) state.push("html_inline", "", 0).content = state.src.slice(pos, end);
    state.pos = end;
    return true;
  });
  md.block.ruler.at("reference", (state, startLine, endLine, silent) => {
    const env = state.env as { [AFTER_DEFINITION]?: number };
    const indent = state.sCount[startLine] ?? 0;
    // A definition may follow another on an indented line (it continues the same paragraph).
    const continues = env[AFTER_DEFINITION] === startLine && indent - state.blkIndent >= 4;
    if (continues) state.sCount[startLine] = state.blkIndent;
    const ok = reference(state, startLine, endLine, silent);
    if (continues) state.sCount[startLine] = indent;
    if (ok && !silent) env[AFTER_DEFINITION] = state.line;
    return ok;
  });
  md.block.ruler.at("code", (state, startLine, endLine, silent) => {
    if ((state.env as { [AFTER_DEFINITION]?: number })[AFTER_DEFINITION] === startLine) return false;
    return code(state, startLine, endLine, silent);
  });
  md.block.ruler.at(
    "html_block",
    (state, startLine, endLine, silent) => {
      // Right after a definition only blocks that may interrupt a paragraph start (not `<a href=x>` alone).
      if ((state.env as { [AFTER_DEFINITION]?: number })[AFTER_DEFINITION] === startLine && !htmlBlock(state, startLine, endLine, true)) return false;
      return htmlBlock(state, startLine, endLine, silent);
    },
    { alt: ["paragraph", "reference", "blockquote"] },
  ); // `at` resets a rule's alt: these are markdown-it's own
  // A footnote definition ends a lazy quote or list line, as any block start does in CommonMark
  // (the plugin registers it as a paragraph terminator only). Its rule function is not exported.
  const rules = (md.block.ruler as unknown as { __rules__: { name: string; fn: Parameters<typeof md.block.ruler.at>[1] }[] }).__rules__;
  const footnoteDef = rules.find((r) => r.name === "footnote_def")?.fn;
  if (footnoteDef) md.block.ruler.at("footnote_def", footnoteDef, { alt: ["paragraph", "reference", "blockquote"] });
  // A table's header row is a paragraph line on GitHub: any other block that starts on that line
  // (raw HTML, a heading, a quote, a list, a fence) wins. So the table rule runs after them.
  md.block.ruler.disable("table");
  md.block.ruler.before("lheading", "gfm_table", gfmTable, { alt: ["paragraph", "reference"] });
  return md;
}

// Bare URLs are links on GitHub. Outbound that matters (they are re-emitted as links, not escaped
// text); inbound the model sees the URL either way, so that parser skips the work.
const linkifying = createParser(true);
const plain = createParser(false);

/** What a parse found besides the tokens: reference definitions by normalised label. */
export interface MarkdownEnv {
  references?: Record<string, { href: string; title: string }>;
  [key: string | symbol]: unknown;
}

/**
 * Parse Markdown as GitHub would (block tokens, each `inline` token with its `children`).
 * `linkify: false` leaves bare URLs as text (same characters, less work).
 */
export function parseMarkdown(text: string, options: { linkify?: boolean } = {}): { tokens: Token[]; env: MarkdownEnv } {
  const env: MarkdownEnv = {};
  const md = options.linkify === false ? plain : linkifying;
  return { tokens: md.parse(text, env), env };
}

/** A parsed token with the tokens between its `_open` and `_close` (or its inline children). */
export interface MarkdownNode {
  token: Token;
  children: MarkdownNode[];
}

/** Nest a flat token list (`*_open` … `*_close`) into a tree; inline tokens keep theirs in `children`. */
export function toTree(tokens: readonly Token[]): MarkdownNode[] {
  const root: MarkdownNode[] = [];
  const stack: MarkdownNode[][] = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1] ?? root;
    if (token.nesting === 1) {
      const node: MarkdownNode = { token, children: [] };
      top.push(node);
      stack.push(node.children);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      top.push({ token, children: token.type === "inline" || token.type === "image" ? toTree(token.children ?? []) : [] });
    }
  }
  return root;
}

/** Hosts whose images are GitHub's own (uploads, repository files): no data leaves GitHub through them. */
export const GITHUB_IMAGE_HOSTS: readonly string[] = [
  "github.com",
  "user-images.githubusercontent.com",
  "private-user-images.githubusercontent.com",
  "raw.githubusercontent.com",
];

/** The host of `url` as GitHub would resolve it (relative and protocol-relative URLs included), or null. */
export function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url, "https://github.com/");
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}
