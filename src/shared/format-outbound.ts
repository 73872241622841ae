/**
 * Outbound: everything the app posts is built from pieces, and every piece that the app did not
 * write itself (model text, user text, file paths, titles, branch names, commands) is made safe for
 * the place it goes before the app assembles the body around it. The app's own structure (headings,
 * the warning block, `<details>`, `Closes #n`, hidden markers) is added afterwards, outside those
 * pieces, so nothing in them can hide or rewrite it.
 *
 * - `formatOutbound`: untrusted Markdown (a model's summary, a finding's explanation). Parsed as
 *   GitHub parses it (shared/markdown.ts) and rebuilt from the tree: images on hosts other than
 *   GitHub's own (inline, reference, collapsed, shortcut, `<img>`, `<picture>`/`<source>`) become
 *   text naming the host (no URL: a link would still leak on a click); link reference definitions
 *   are resolved into the links that use them and never emitted; raw HTML (`<!--`, `<details>`, …)
 *   is shown as text; footnotes stay in place as text;
 *   model headings are demoted below the app's own; every code span and fence is long enough for its
 *   content; the rebuilt text is parsed once more and, should anything unsafe remain, replaced by
 *   plain escaped text.
 * - `outboundText` / `outboundCode`: one untrusted fragment interpolated into the app's own text, as
 *   literal text or as a code span; control characters are shown escaped, never passed through.
 * - In all of them secrets are redacted (before escaping, so escapes cannot split a token), @mentions
 *   get a zero-width space so nobody is paged (`@user`, `\@user`, `path/@user`, `@org/team`), and
 *   closing keywords (`Fixes #12`, `closes o/r#3`, `resolves <issue URL>`) are broken unless they
 *   name the issue a run resolves.
 *
 * Caps run before any processing: MAX_MODEL_TEXT_CHARS for model text, MAX_FRAGMENT_CHARS for a
 * fragment. The regular expressions here are character classes and literal alternatives (linear);
 * everything that needs lookahead over untrusted text is a hand-written scanner.
 */
import { GITHUB_IMAGE_HOSTS, hostOf, parseMarkdown, toTree, type MarkdownNode, type Token } from "./markdown.js";
import { redactSecrets } from "./redact.js";
import { capLength } from "./sanitize.js";

/** The most model-written Markdown one post carries (a summary, an explanation); longer is cut first. */
export const MAX_MODEL_TEXT_CHARS = 20_000;
/** The most characters of one interpolated fragment (a path, a title, a command). */
export const MAX_FRAGMENT_CHARS = 300;
/** GitHub caps bodies at 65,536 characters; the app's bodies stay under this, leaving room for markers. */
export const MAX_BODY_CHARS = 58_000;

export interface OutboundOptions {
  /** The issue this run resolves: its own closing keyword is left intact. */
  allowCloseIssue?: number | undefined;
  /** Extra literal secrets to redact (e.g. the installation token in use). */
  secrets?: readonly string[] | undefined;
  /** Hosts whose images may stay (default: GitHub's own). */
  imageHosts?: readonly string[] | undefined;
  /** The longest result, in characters (default MAX_MODEL_TEXT_CHARS); the input is cut to fit. */
  maxChars?: number | undefined;
  /** Raw HTML is shown as text ("escape", default) or left out ("drop": a repository's PR template). */
  html?: "escape" | "drop" | undefined;
  /** Headings are at least this deep (default 4: the app's own use levels 2 and 3). */
  minHeadingLevel?: number | undefined;
}

const ZWSP = "\u200B";
/**
 * ASCII punctuation that can start or end Markdown syntax anywhere in a line; escaped in text with
 * a backslash. (`!` because text ending in it would turn the app's next link into an image; `$` for
 * GitHub's math.) Parentheses need no escape: a link destination only follows an unescaped `]`.
 */
const MARKDOWN_PUNCTUATION = new Set([..."\\`*_[]<>!|~&$"]);
/** Punctuation that is syntax only at the start of a line (headings, lists, setext underlines). */
const LINE_START_PUNCTUATION = new Set([..."#+-="]);
/** Anything escapeText might change (a character class: one linear scan); line starts are checked apart. */
// eslint-disable-next-line no-control-regex -- controls are among what gets escaped
const NEEDS_ESCAPE = /[\\`*_[\]<>!|~&$@:.\n\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF\uD800-\uDFFF]/;

/** An upper bound of how much escaping lengthens `text`, from one pass (used to cut before rebuilding). */
function escapedLengthBound(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || (c >= 0x7f && c <= 0x9f)) n += c === 10 || c === 9 ? 1 : 10;
    else if (c === 58 && text.startsWith("//", i + 1))
      n += 2; // a URL becomes `<url>`
    else if (c < 128)
      n += MARKDOWN_PUNCTUATION.has(text[i] as string) || LINE_START_PUNCTUATION.has(text[i] as string) || c === 64 || c === 46 || c === 41 ? 1 : 0;
    else if ((c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff) n += 10;
  }
  return n;
}
const CODE_LANG = /^[\w+#.-]{1,32}$/;
/** An http(s) URL that can stand as a CommonMark autolink as is (no space, `<`, `>`, quote, `@` or control). */
// eslint-disable-next-line no-control-regex -- controls are what it refuses
const SIMPLE_URL = /^https?:\/\/[^\s<>"'`@\u0000-\u001F\u007F-\u009F]{1,2000}$/;

function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isAlnum(ch: string | undefined): boolean {
  return isWordChar(ch) && ch !== "_";
}

/**
 * Characters shown as `\u{…}` instead of passed through: C0/C1 controls (but tab and newline where
 * allowed), DEL, bidi embeddings/overrides/isolates, line/paragraph separators, BOM.
 */
function isShownEscaped(c: number, keepNewlines: boolean): boolean {
  if (c === 9) return false;
  if (c === 10) return !keepNewlines;
  return c < 32 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

function visibleEscape(c: number): string {
  if (c === 10) return "\\n";
  if (c === 13) return "\\r";
  return `\\u{${c.toString(16).toUpperCase().padStart(4, "0")}}`;
}

/** Unicode tag characters outside subdivision-flag sequences ("ASCII smuggling") are removed. */
function isTagChar(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}

/** Insert a zero-width space after `@` so `@user` and `@org/team` do not notify anyone. */
export function neutralizeMentions(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    out += ch;
    if (ch === "@" && !isWordChar(text[i - 1]) && isAlnum(text[i + 1])) out += ZWSP;
  }
  return out;
}

const CLOSING_KEYWORD = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b/gi;
/** What may stand between a closing keyword and its reference, in text or in rebuilt Markdown. */
const KEYWORD_GAP = new Set([" ", "\t", "\n", "\r", ":", "*", "_", "~", "\\", "[", "<", ZWSP, "\u00A0"]);

function readNumber(text: string, at: number): { value: number; end: number } | null {
  let end = at;
  while (end < text.length && end - at < 10 && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return end > at ? { value: Number(text.slice(at, end)), end } : null;
}

/** The issue a closing reference at `at` points to: `#12`, `o/r#12`, an issue URL; null if none. */
function referenceAt(text: string, at: number): { issue: number; local: boolean } | null {
  if (text[at] === "#") {
    const n = readNumber(text, at + 1);
    return n ? { issue: n.value, local: true } : null;
  }
  if (text.startsWith("http://", at) || text.startsWith("https://", at)) {
    let end = at;
    while (end < text.length && end - at < 2000 && !/\s/.test(text[end] ?? " ")) end++;
    const url = text.slice(at, end);
    for (const part of ["/issues/", "/pull/"]) {
      const i = url.indexOf(part);
      if (i !== -1 && readNumber(url, i + part.length)) return { issue: 0, local: false };
    }
    return null;
  }
  // owner/repo#12: word characters, dots and dashes on both sides of one slash.
  let i = at;
  const name = () => {
    const start = i;
    while (i < text.length && i - start < 100 && (isWordChar(text[i]) || text[i] === "." || text[i] === "-" || text[i] === "\\")) i++;
    return i > start;
  };
  if (!name() || text[i] !== "/") return null;
  i++;
  if (!name() || text[i] !== "#") return null;
  return readNumber(text, i + 1) ? { issue: 0, local: false } : null;
}

/** Break closing keywords (`Fixes #12`, `closes o/r#3`, `resolves <issue URL>`) except for `allowIssue`. */
export function neutralizeClosingKeywords(text: string, allowIssue?: number): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(CLOSING_KEYWORD)) {
    const start = m.index;
    let at = start + m[0].length;
    while (at < text.length && KEYWORD_GAP.has(text[at] as string)) at++;
    if (at === start + m[0].length) continue;
    const ref = referenceAt(text, at);
    if (!ref || (ref.local && allowIssue !== undefined && ref.issue === allowIssue)) continue;
    out += `${text.slice(last, start + 1)}${ZWSP}`;
    last = start + 1;
  }
  return out + text.slice(last);
}

/** A code fence longer than any backtick run in `text` (at least three), so quoted text cannot break out. */
export function fenceFor(text: string): string {
  let longest = 2;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return "`".repeat(longest + 1);
}

/** A code span around `content` that it cannot end early; `|` escaped when it sits in a table cell. */
function codeSpan(content: string, table: boolean): string {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < content.length; i++) {
    run = content.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = "`".repeat(longest + 1);
  // In a table cell every `|` needs a backslash, even in code; a backslash already before it would
  // pair with that one instead (and end the cell in some renderers), so a zero-width space parts them.
  const body = table ? content.split("\\|").join(`\\${ZWSP}|`).split("|").join("\\|") : content;
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") ? " " : "";
  return `${fence}${pad}${body || " "}${pad}${fence}`;
}

/**
 * Literal text as Markdown: every character that could start syntax is backslash-escaped, `@` before
 * a handle gets a zero-width space, controls are shown escaped, tag characters dropped. `prev` is the
 * character already written before this text (for mention and line-start decisions).
 */
function escapeText(text: string, prev: string, keepNewlines: boolean): string {
  // Most text has nothing to escape: one linear scan, no rebuild.
  if (!NEEDS_ESCAPE.test(text) && !(prev === "" || prev === "\n")) return text;
  let out = "";
  let before = prev;
  // Digits written since the start of the current line (-1: not at a line start): `1.` there is a list.
  let digits = prev === "" || prev === "\n" ? 0 : -1;
  // Inside a subdivision flag (🏴 + tag letters + cancel tag), the only legitimate use of tag characters.
  let flag = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    if (code > 0xffff) {
      const pair = String.fromCodePoint(code);
      i++;
      if (!isTagChar(code) || flag) out += pair;
      flag = code === 0x1f3f4 || (flag && isTagChar(code) && code !== 0xe007f);
      before = pair;
      digits = -1;
      continue;
    }
    const ch = text[i] as string;
    flag = false;
    if (code >= 48 && code <= 57 && digits >= 0) {
      out += ch;
      digits++;
    } else if (isShownEscaped(code, keepNewlines)) {
      out += `\\${visibleEscape(code)}`;
      digits = -1;
    } else if (ch === "\n") {
      out += "\n";
      digits = 0;
    } else if ((ch === " " || ch === "\t") && digits === 0) {
      out += ch; // indentation: still at the start of the line
    } else {
      if (ch === "@") out += !isWordChar(before) && isAlnum(text[i + 1]) ? `@${ZWSP}` : "@";
      // GitHub autolinks bare `scheme://` and `www.` text while parsing, backslashes included: a URL
      // there would swallow the backslash that keeps the next `<` from opening raw HTML. Escaped
      // text is never a bare link.
      else if ((ch === ":" && text.startsWith("//", i + 1)) || (ch === "." && isWwwBefore(text, i))) out += `\\${ch}`;
      else if (MARKDOWN_PUNCTUATION.has(ch) || (digits === 0 && LINE_START_PUNCTUATION.has(ch)) || ((ch === "." || ch === ")") && digits > 0 && digits < 10))
        out += `\\${ch}`;
      else out += ch;
      digits = -1;
    }
    before = ch;
  }
  return out;
}

/** `www` (any case) ends just before `at` and starts a word. */
function isWwwBefore(text: string, at: number): boolean {
  return at >= 3 && text.slice(at - 3, at).toLowerCase() === "www" && !isWordChar(text[at - 4]);
}

/** The text a person reads in inline content (image alt text), without any markup. */
function plainText(nodes: readonly MarkdownNode[]): string {
  let out = "";
  for (const n of nodes) {
    const t = n.token;
    if (t.type === "text" || t.type === "code_inline") out += t.content;
    else if (t.type === "softbreak" || t.type === "hardbreak") out += " ";
    else if (n.children.length > 0) out += plainText(n.children);
  }
  return out;
}

/** Destination of a link or image, in `<…>` form, that cannot end early or span lines. */
function destination(url: string): string {
  let out = "";
  for (const ch of url) {
    if (ch === "<") out += "%3C";
    else if (ch === ">") out += "%3E";
    else if (ch === " ") out += "%20";
    else if (ch === "\\") out += "%5C";
    else if (ch.charCodeAt(0) < 32 || ch === "\u007F") continue;
    else out += ch;
  }
  return `<${out}>`;
}

function linkable(url: string): boolean {
  const trimmed = url.trim().toLowerCase();
  if (trimmed.startsWith("http://") || trimmed.startsWith("https://") || trimmed.startsWith("mailto:")) return true;
  // Relative (GitHub resolves it against the page): no scheme before the first slash, question mark or hash.
  const colon = trimmed.indexOf(":");
  if (colon === -1) return !trimmed.startsWith("//");
  const stop = Math.min(...["/", "?", "#"].map((c) => (trimmed.indexOf(c) === -1 ? Infinity : trimmed.indexOf(c))));
  return stop < colon && !trimmed.startsWith("//");
}

interface SerializeContext {
  imageHosts: readonly string[];
  html: "escape" | "drop";
  minHeadingLevel: number;
}

/** Rebuilds Markdown from the parse tree, emitting only constructs it writes itself. */
class SafeMarkdown {
  private readonly footnotes: MarkdownNode[] = [];

  constructor(private readonly ctx: SerializeContext) {}

  document(nodes: readonly MarkdownNode[]): string {
    const blocks = this.blocks(nodes);
    for (const f of this.footnotes) {
      const label = (f.token.meta as { label?: string } | null)?.label ?? "";
      const body = this.blocks(f.children).join("\n\n");
      blocks.push(`${escapeText(`[^${label}]:`, "", false)} ${body}`);
    }
    return blocks.join("\n\n");
  }

  private blocks(nodes: readonly MarkdownNode[]): string[] {
    const out: string[] = [];
    for (const n of nodes) {
      const b = this.block(n);
      if (b.trim()) out.push(b);
    }
    return out;
  }

  private inlineOf(n: MarkdownNode, table = false): string {
    const inline = n.children.find((c) => c.token.type === "inline");
    return inline ? this.inline(inline.children, table).trim() : "";
  }

  private block(n: MarkdownNode): string {
    const t = n.token;
    switch (t.type) {
      case "paragraph_open":
        return this.inlineOf(n);
      case "heading_open": {
        const text = this.inlineOf(n).replace(/\n/g, " ");
        const level = Math.min(6, Math.max(this.ctx.minHeadingLevel, Number(t.tag.slice(1)) || 1));
        return text ? `${"#".repeat(level)} ${text}` : "";
      }
      case "blockquote_open": {
        let inner = this.blocks(n.children).join("\n\n");
        // `> [!WARNING]` is a GitHub alert: never let model text dress up as one of the app's.
        if (inner.startsWith("\\[\\!")) inner = `\\[${ZWSP}${inner.slice(2)}`;
        return inner
          .split("\n")
          .map((l) => (l ? `> ${l}` : ">"))
          .join("\n");
      }
      case "bullet_list_open":
      case "ordered_list_open":
        return this.list(n);
      case "fence":
      case "code_block": {
        const info = t.type === "fence" ? t.info.trim() : "";
        const space = info.search(/\s/);
        const lang = space === -1 ? info : info.slice(0, space);
        const body = t.content.replace(/\n$/, "");
        const fence = fenceFor(body);
        return `${fence}${CODE_LANG.test(lang) ? lang : ""}\n${body}\n${fence}`;
      }
      case "hr":
        return "---";
      case "html_block":
        return this.ctx.html === "drop" ? "" : literalBlock(t.content);
      case "table_open":
        return this.table(n);
      case "footnote_block_open":
        this.footnotes.push(...n.children);
        return "";
      case "inline":
        return this.inline(n.children, false).trim();
      default:
        return this.blocks(n.children).join("\n\n");
    }
  }

  private list(n: MarkdownNode): string {
    const ordered = n.token.type === "ordered_list_open";
    let number = Math.min(999_999_999, Math.max(0, Number(String(n.token.attrGet("start") ?? 1)) || 0));
    const items = n.children.map((item) => {
      const marker = ordered ? `${number++}.` : "-";
      const tight = item.children.some((c) => c.token.type === "paragraph_open" && c.token.hidden);
      let body = this.blocks(item.children).join(tight ? "\n" : "\n\n");
      // Task-list boxes stay boxes.
      for (const box of ["\\[ \\] ", "\\[x\\] ", "\\[X\\] "]) if (body.startsWith(box)) body = `[${box[2]}] ${body.slice(box.length)}`;
      const indent = " ".repeat(marker.length + 1);
      return body ? `${marker} ${body.split("\n").join(`\n${indent}`)}` : marker;
    });
    return items.join("\n");
  }

  private table(n: MarkdownNode): string {
    const rows: string[][] = [];
    const aligns: string[] = [];
    const walk = (nodes: readonly MarkdownNode[], header: boolean) => {
      for (const c of nodes) {
        if (c.token.type === "tr_open") {
          rows.push(c.children.map((cell) => this.inlineOf(cell, true).replace(/\n/g, " ") || " "));
          if (header)
            for (const cell of c.children) {
              const style = String(cell.token.attrGet("style") ?? "");
              aligns.push(style.endsWith("center") ? ":---:" : style.endsWith("right") ? "---:" : style.endsWith("left") ? ":---" : "---");
            }
        } else walk(c.children, c.token.type === "thead_open");
      }
    };
    walk(n.children, false);
    const [head, ...body] = rows;
    if (!head) return "";
    const line = (cells: readonly string[]) => `| ${head.map((_, i) => cells[i] ?? " ").join(" | ")} |`;
    return [line(head), `| ${aligns.join(" | ")} |`, ...body.map(line)].join("\n");
  }

  private inline(nodes: readonly MarkdownNode[], table: boolean): string {
    let out = "";
    const last = () => out.slice(-1);
    for (const n of nodes) {
      const t = n.token;
      switch (t.type) {
        case "text":
          out += escapeText(t.content, last(), false);
          break;
        case "softbreak":
          out += "\n";
          break;
        case "hardbreak":
          out += "\\\n";
          break;
        case "code_inline":
          out += codeSpan(t.content, table);
          break;
        case "html_inline":
          if (this.ctx.html === "escape") out += escapeText(t.content, last(), false);
          break;
        case "em_open":
        case "strong_open":
        case "s_open": {
          const inner = this.inline(n.children, table);
          const marker = t.type === "em_open" ? "*" : t.type === "strong_open" ? "**" : "~~";
          out += inner.trim() === inner && inner !== "" ? `${marker}${inner}${marker}` : inner;
          break;
        }
        case "link_open": {
          const href = String(t.attrGet("href") ?? "");
          const label = plainText(n.children);
          // A bare URL GitHub would link anyway: written as an autolink, it stays as short.
          if ((t.markup === "linkify" || t.markup === "autolink") && label === href && SIMPLE_URL.test(href)) {
            out += `<${href}>`;
            break;
          }
          const inner = this.inline(n.children, table);
          if (!linkable(href)) out += inner || escapeText(href, last(), false);
          else out += `[${inner.trim() || escapeText(href, "", false)}](${destination(href)})`;
          break;
        }
        case "image":
          out += this.image(n);
          break;
        case "footnote_ref":
          out += escapeText(`[^${(t.meta as { label?: string } | null)?.label ?? ""}]`, last(), false);
          break;
        default:
          if (n.children.length > 0) out += this.inline(n.children, table);
          else if (t.content) out += escapeText(t.content, last(), false);
      }
    }
    return out;
  }

  private image(n: MarkdownNode): string {
    const src = String(n.token.attrGet("src") ?? "");
    const alt = escapeText(plainText(n.children).trim(), "", false);
    const host = hostOf(src);
    const https = src.trim().toLowerCase().startsWith("https://") || (host === "github.com" && !src.includes(":"));
    if (host && https && this.ctx.imageHosts.includes(host)) return `![${alt}](${destination(src)})`;
    // Any other host would be fetched by GitHub's image proxy on every view, with whatever the URL
    // carries: it becomes text naming the host, without the URL (a link would leak on a click).
    return `\\[image${alt ? `: ${alt}` : ""}${host ? ` (${escapeText(host, " ", false)})` : ""}\\]`;
  }
}

/** Raw text shown as text, line by line (hard breaks keep the lines); blank lines split paragraphs. */
function literalBlock(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((para) =>
      para
        .split("\n")
        .map((l) => escapeText(l.trim(), "\n", false))
        .filter(Boolean)
        .join("\\\n"),
    )
    .filter(Boolean)
    .join("\n\n");
}

/** Problems in rebuilt Markdown: anything that is not plain text, links, GitHub images or code. */
export function findUnsafeMarkdown(markdown: string, imageHosts: readonly string[] = GITHUB_IMAGE_HOSTS, allowedHtml: readonly string[] = []): string[] {
  const { tokens, env } = parseMarkdown(markdown, { linkify: false });
  const problems: string[] = [];
  if (Object.keys(env.references ?? {}).length > 0) problems.push("link reference definition");
  const visit = (list: readonly Token[]) => {
    for (const t of list) {
      if ((t.type === "html_block" || t.type === "html_inline") && !allowedHtml.includes(t.content.trim()))
        problems.push(`raw HTML ${JSON.stringify(t.content.slice(0, 40))}`);
      if (t.type === "image") {
        const src = String(t.attrGet("src") ?? "");
        const host = hostOf(src);
        if (!host || !imageHosts.includes(host)) problems.push(`external image ${JSON.stringify(src.slice(0, 80))}`);
      }
      if (t.type.startsWith("footnote")) problems.push("footnote");
      if (t.children) visit(t.children);
    }
  };
  visit(tokens);
  return problems;
}

/** The longest secret the redactor knows (a PEM private key) fits in this much: redact past the cap by it. */
const SECRET_MARGIN = 8_192;

/** Redact secrets, then cap: capping first could cut a secret short of the length its pattern needs. */
function redactThenCap(text: string, max: number, secrets: readonly string[] | undefined): { text: string; cut: boolean } {
  const redacted = redactSecrets(capLength(text, max + SECRET_MARGIN), secrets ?? []);
  return { text: capLength(redacted, max), cut: redacted.length > max || text.length > max + SECRET_MARGIN };
}

function rebuild(text: string, options: OutboundOptions): string {
  const { tokens } = parseMarkdown(text);
  const safe = new SafeMarkdown({
    imageHosts: options.imageHosts ?? GITHUB_IMAGE_HOSTS,
    html: options.html ?? "escape",
    minHeadingLevel: options.minHeadingLevel ?? 4,
  }).document(toTree(tokens));
  return neutralizeClosingKeywords(safe, options.allowCloseIssue).trim();
}

/**
 * Untrusted Markdown (model output) made safe to post: see the file comment. The result is at most
 * `maxChars` long: the input is cut to that first (MAX_MODEL_TEXT_CHARS by default), and cut again
 * should escaping have made the result longer.
 */
export function formatOutbound(text: string, options: OutboundOptions = {}): string {
  const max = options.maxChars ?? MAX_MODEL_TEXT_CHARS;
  let input = redactThenCap(text.replace(/\r\n?/g, "\n"), max, options.secrets).text;
  // Escaping lengthens text; cut enough first that one rebuild usually fits (the loop is the backstop).
  const bound = escapedLengthBound(input);
  if (bound > max) input = `${capLength(input, Math.max(0, Math.floor(input.length * (max / bound)) - 16))}\n\n…`;
  let out = rebuild(input, options);
  for (let attempt = 0; out.length > max && attempt < 3; attempt++) {
    input = `${capLength(input, Math.max(0, Math.floor(input.length * (max / out.length) * 0.9) - 16))}\n\n…`;
    out = rebuild(input, options);
  }
  if (out.length > max) return "_(text omitted: too long to show safely)_";
  // Belt and braces: parse what was built; should anything but text, links, GitHub images and
  // code have survived (a parser disagreement), post the text literally instead.
  if (findUnsafeMarkdown(out, options.imageHosts ?? GITHUB_IMAGE_HOSTS).length > 0) {
    out = neutralizeClosingKeywords(literalBlock(input), options.allowCloseIssue);
    return out.length <= max ? out : "_(text omitted: too long to show safely)_";
  }
  return out;
}

/**
 * One untrusted fragment (a title, a name, a message) as literal Markdown text on one line: every
 * syntax character escaped, newlines and other controls shown as `\n`, `\u{…}`.
 */
export function outboundText(text: string, options: { maxChars?: number; secrets?: readonly string[]; allowCloseIssue?: number } = {}): string {
  const max = options.maxChars ?? MAX_FRAGMENT_CHARS;
  const redacted = redactThenCap(text, max, options.secrets);
  const escaped = escapeText(redacted.text, "", false) + (redacted.cut ? "…" : "");
  return neutralizeClosingKeywords(escaped, options.allowCloseIssue);
}

/** One untrusted fragment (a path, a branch, a command) as a code span that cannot end early. */
export function outboundCode(text: string, options: { maxChars?: number; secrets?: readonly string[]; table?: boolean } = {}): string {
  const max = options.maxChars ?? MAX_FRAGMENT_CHARS;
  const redacted = redactThenCap(text, max, options.secrets);
  let shown = "";
  for (const ch of redacted.text) {
    const code = ch.codePointAt(0) ?? 0;
    if (isTagChar(code)) continue;
    shown += isShownEscaped(code, false) ? visibleEscape(code) : ch;
  }
  return codeSpan(neutralizeClosingKeywords(shown + (redacted.cut ? "…" : "")), options.table ?? false);
}
