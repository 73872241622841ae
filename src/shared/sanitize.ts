/**
 * Inbound: what the model reads of text people wrote on GitHub (issue and PR bodies, comments,
 * review threads, `/agent` instructions and steering messages, check-run output) is what a person
 * sees there, and nothing else. Markdown is parsed as GitHub parses it (shared/markdown.ts) and the
 * visible text rebuilt from the tree: text, code, link text with the URL in visible form, images as
 * `[image: url]`. Left out, because GitHub does not show them: HTML comments, raw-HTML attributes
 * (alt, title, data-*), the content of elements that never render, link reference definitions
 * nothing uses (`[//]: # (…)`), link titles, image alt text, words after a code fence's language,
 * empty links, and invisible Unicode (zero-width and bidi controls, the tag block used for "ASCII
 * smuggling", variation selectors). `<details>` content is kept: a person can open it.
 *
 * The result says which kinds were removed, so the caller can log that (without the content) and
 * tell the model. Input is cut to MAX_INBOUND_CHARS before anything else runs.
 */
import { HtmlVisibility, type HtmlHiddenKind } from "./html-visible.js";
import { GITHUB_IMAGE_HOSTS, hostOf, parseMarkdown, toTree, type MarkdownNode } from "./markdown.js";

/** GitHub's own cap on an issue, PR or comment body; longer input is cut before processing. */
export const MAX_INBOUND_CHARS = 65_536;

export type HiddenKind = HtmlHiddenKind | "link-definition" | "link-title" | "code-info" | "footnote" | "invisible-unicode";

const HIDDEN_LABEL: Record<HiddenKind, string> = {
  "html-comment": "HTML comments",
  "html-hidden": "HTML that GitHub does not display",
  "attribute-text": "text in HTML attributes",
  "image-alt": "image alt text",
  "empty-link": "links without visible text",
  "link-definition": "unused link reference definitions",
  "link-title": "link titles",
  "code-info": "code-fence info text",
  footnote: "footnotes nothing refers to",
  "invisible-unicode": "invisible Unicode characters",
};

export interface ModelText {
  /** What a person sees, as plain text with light Markdown (headings, lists, fences, `[text](url)`). */
  readonly text: string;
  /** Kinds of hidden content that were removed (empty when there was none). */
  readonly hidden: readonly HiddenKind[];
  /** The input was longer than the cap and was cut before processing. */
  readonly truncated: boolean;
  /** URLs of images on GitHub's own hosts (for a model with vision). */
  readonly images: readonly string[];
}

// Zero-width spaces and joiners, word joiner, invisible operators, soft hyphen, Mongolian vowel
// separator, BOM, bidi marks/embeddings/overrides/isolates, line/paragraph separators, Hangul fillers,
// interlinear annotation, C0 (except \t \n \r) and C1. ZWJ (U+200D) and the emoji presentation
// selectors (U+FE0E/U+FE0F) are handled separately: they stay where emoji need them.
function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f && cp !== 0x200d) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0d) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0x0000 && cp <= 0x0008) ||
    cp === 0x000b ||
    cp === 0x000c ||
    (cp >= 0x000e && cp <= 0x001f) ||
    (cp >= 0x007f && cp <= 0x009f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** Any character stripInvisible might drop (a character class: one linear scan; most text has none). */
const SUSPECT =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- these characters one by one are the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E01EF}]/u;
const isTag = (cp: number) => cp >= 0xe0000 && cp <= 0xe007f;
// ANSI escape sequences in logs (CSI … final byte, OSC … BEL/ST); bounded repetition, linear.
// eslint-disable-next-line no-control-regex -- escape sequences are the point
const ANSI = /\u001B(?:\[[0-?]{0,32}[ -/]{0,8}[@-~]|\][^\u0007\u001B]{0,512}(?:\u0007|\u001B\\)?|[@-Z\\-_])/g;
const CODE_LANG = /^[\w+#.-]{1,32}$/;

/**
 * Remove invisible, bidi-control, tag-block and variation-selector characters (after NFC), in one
 * pass over the code points. Kept where they are what a person sees: subdivision flags (🏴 + tag
 * letters + cancel tag), one presentation selector after an emoji (or a keycap), ZWJ between emoji.
 * Runs of selectors or joiners (a channel for smuggled bytes) go.
 */
export function stripInvisible(text: string): string {
  const s = text.normalize("NFC");
  if (!SUSPECT.test(s)) return s;
  let out = "";
  let runStart = 0; // start of the run of kept text not yet copied to `out`
  let prev = -1; // last kept code point
  let lastBase: number | undefined; // last kept code point that is not a presentation selector
  const drop = (from: number, to: number) => {
    out += s.slice(runStart, from);
    runStart = to;
  };
  for (let i = 0; i < s.length;) {
    const cp = s.codePointAt(i) ?? 0;
    const size = cp > 0xffff ? 2 : 1;
    if (cp === 0x1f3f4) {
      // A flag: 2–6 tag letters/digits, then the cancel tag. Anything else: the bare black flag.
      let j = i + 2;
      let letters = 0;
      for (let t = s.codePointAt(j) ?? 0; letters <= 6 && ((t >= 0xe0030 && t <= 0xe0039) || (t >= 0xe0061 && t <= 0xe007a)); t = s.codePointAt(j) ?? 0) {
        letters++;
        j += 2;
      }
      if (letters >= 2 && letters <= 6 && s.codePointAt(j) === 0xe007f) {
        i = j + 2;
        prev = 0xe007f;
        continue;
      }
    }
    let keep = !isInvisible(cp) && !isTag(cp);
    if (keep && (cp === 0xfe0e || cp === 0xfe0f)) {
      const keycap = (prev === 0x23 || prev === 0x2a || (prev >= 0x30 && prev <= 0x39)) && s.codePointAt(i + 1) === 0x20e3;
      keep = keycap || (prev >= 0 && PICTOGRAPHIC.test(String.fromCodePoint(prev)));
    } else if (keep && cp === 0x200d) {
      const next = s.codePointAt(i + 1);
      keep =
        next !== undefined &&
        prev >= 0 &&
        PICTOGRAPHIC.test(String.fromCodePoint(prev === 0xfe0f ? (lastBase ?? prev) : prev)) &&
        PICTOGRAPHIC.test(String.fromCodePoint(next));
    }
    if (keep) {
      if (cp !== 0xfe0f && cp !== 0xfe0e) lastBase = cp;
      prev = cp;
    } else drop(i, i + size);
    i += size;
  }
  return out + s.slice(runStart);
}

/** Cut to `max` UTF-16 units without leaving half a surrogate pair. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A code span around `text` that it cannot break out of. */
function codeSpan(text: string): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === "`" ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function fenceOf(text: string): string {
  let longest = 2;
  let run = 0;
  for (const ch of text) {
    run = ch === "`" ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return "`".repeat(longest + 1);
}

/** Walks the parse tree and writes what a person sees. */
class VisibleText {
  readonly hidden = new Set<HiddenKind>();
  readonly images: string[] = [];
  readonly usedLabels = new Set<string>();
  /** Footnotes referenced from the text itself (GitHub shows only those). */
  private readonly footnoteRefs = new Set<string>();
  private inFootnotes = false;
  private readonly html: HtmlVisibility;
  private out = "";

  constructor() {
    this.html = new HtmlVisibility({
      text: (chars) => {
        this.out += chars;
      },
      image: (url) => {
        this.out += this.image(url);
      },
      hidden: (kind) => this.hidden.add(kind),
    });
  }

  private image(url: string): string {
    const host = hostOf(url);
    if (host && GITHUB_IMAGE_HOSTS.includes(host) && /^https:\/\//i.test(url)) this.images.push(url);
    return `[image: ${url}]`;
  }

  /** Render inline children into a string (side effects: hidden kinds, images, used labels). */
  inline(nodes: readonly MarkdownNode[]): string {
    const saved = this.out;
    this.out = "";
    for (const n of nodes) this.inlineNode(n);
    const result = this.out;
    this.out = saved;
    return result;
  }

  private emit(text: string): void {
    if (this.html.suppressed || !text) return;
    this.html.noteText(text.length);
    this.out += text;
  }

  private inlineNode(n: MarkdownNode): void {
    const t = n.token;
    switch (t.type) {
      case "text":
        this.emit(t.content);
        return;
      case "softbreak":
      case "hardbreak":
        this.emit("\n");
        return;
      case "code_inline":
        this.emit(codeSpan(t.content));
        return;
      case "html_inline":
        this.html.feedInline(t.content);
        return;
      case "em_open":
      case "strong_open":
      case "s_open": {
        const inner = this.inline(n.children);
        this.emit(inner ? `${t.markup}${inner}${t.markup}` : "");
        return;
      }
      case "link_open": {
        const label = (t.meta as { label?: string } | null)?.label;
        if (label) this.usedLabels.add(label);
        if (t.attrGet("title")) this.hidden.add("link-title");
        const href = String(t.attrGet("href") ?? "");
        const inner = this.inline(n.children);
        if (this.html.suppressed) return;
        if (!inner.trim()) {
          this.hidden.add("empty-link");
          return;
        }
        this.emit(t.markup === "autolink" || t.markup === "linkify" || inner === href ? inner : `[${inner}](${href})`);
        return;
      }
      case "image": {
        const label = (t.meta as { label?: string } | null)?.label;
        if (label) this.usedLabels.add(label);
        if (t.attrGet("title")) this.hidden.add("link-title");
        if (t.content.trim()) this.hidden.add("image-alt");
        if (!this.html.suppressed) this.emit(this.image(String(t.attrGet("src") ?? "")));
        return;
      }
      case "footnote_ref": {
        const label = (t.meta as { label?: string } | null)?.label ?? "";
        if (!this.inFootnotes && !this.html.suppressed) this.footnoteRefs.add(label);
        this.emit(`[^${label}]`);
        return;
      }
      default:
        // Unknown inline containers: their text is still what a person sees.
        if (n.children.length > 0) this.emit(this.inline(n.children));
        else if (t.content) this.emit(t.content);
    }
  }

  /** Render block nodes into block strings. */
  blocks(nodes: readonly MarkdownNode[]): string[] {
    const out: string[] = [];
    for (const n of nodes) {
      const b = this.block(n);
      if (b.trim()) out.push(b);
    }
    return out;
  }

  private inlineOf(n: MarkdownNode): string {
    const inline = n.children.find((c) => c.token.type === "inline");
    return inline ? this.inline(inline.children).trim() : "";
  }

  private block(n: MarkdownNode): string {
    const t = n.token;
    switch (t.type) {
      case "paragraph_open":
        return this.inlineOf(n);
      case "heading_open": {
        const text = this.inlineOf(n);
        return text ? `${"#".repeat(Number(t.tag.slice(1)) || 1)} ${text}` : "";
      }
      case "blockquote_open":
        return this.blocks(n.children)
          .join("\n\n")
          .split("\n")
          .map((l) => (l ? `> ${l}` : ">"))
          .join("\n");
      case "bullet_list_open":
      case "ordered_list_open": {
        let number = Number(String(t.attrGet("start") ?? 1));
        const items = n.children.map((item) => {
          const marker = t.type === "ordered_list_open" ? `${number++}. ` : "- ";
          const tight = item.children.some((c) => c.token.type === "paragraph_open" && c.token.hidden);
          const body = this.blocks(item.children).join(tight ? "\n" : "\n\n");
          const indent = " ".repeat(marker.length);
          return body ? marker + body.split("\n").join(`\n${indent}`) : "";
        });
        return items.filter(Boolean).join("\n");
      }
      case "fence":
      case "code_block": {
        if (this.html.suppressed) return "";
        const info = t.type === "fence" ? t.info.trim() : "";
        const space = info.search(/\s/);
        const lang = space === -1 ? info : info.slice(0, space);
        if (space !== -1 || (lang && !CODE_LANG.test(lang))) this.hidden.add("code-info");
        const body = t.content.replace(/\n$/, "");
        const fence = fenceOf(body);
        return `${fence}${lang && CODE_LANG.test(lang) ? lang : ""}\n${body}\n${fence}`;
      }
      case "hr":
        return this.html.suppressed ? "" : "---";
      case "html_block": {
        const saved = this.out;
        this.out = "";
        this.html.feed(t.content);
        const text = this.out;
        this.out = saved;
        return tidyHtmlText(text);
      }
      case "table_open":
        return this.table(n);
      case "footnote_block_open": {
        this.inFootnotes = true;
        const shown: string[] = [];
        for (const f of n.children) {
          const label = (f.token.meta as { label?: string } | null)?.label ?? "";
          if (this.footnoteRefs.has(label)) shown.push(`[^${label}]: ${this.blocks(f.children).join("\n\n")}`);
          else this.hidden.add("footnote");
        }
        this.inFootnotes = false;
        return shown.join("\n");
      }
      case "inline":
        return this.inline(n.children).trim();
      default:
        return this.blocks(n.children).join("\n\n");
    }
  }

  private table(n: MarkdownNode): string {
    const rows: string[] = [];
    const walk = (nodes: readonly MarkdownNode[], header: boolean) => {
      for (const c of nodes) {
        if (c.token.type === "tr_open") {
          const cells = c.children.map((cell) => this.inlineOf(cell).replace(/\n/g, " ").replace(/\|/g, "\\|"));
          rows.push(`| ${cells.join(" | ")} |`);
          if (header) rows.push(`|${cells.map(() => " --- ").join("|")}|`);
        } else walk(c.children, c.token.type === "thead_open");
      }
    };
    walk(n.children, false);
    return this.html.suppressed ? "" : rows.join("\n");
  }
}

/** Whitespace in raw HTML does not render as written: one space within lines, no blank-line runs. */
function tidyHtmlText(text: string): string {
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[ \t\f\r]+/g, " ").trim();
    if (line || (lines.length > 0 && lines[lines.length - 1] !== "")) lines.push(line);
  }
  return lines.join("\n").trim();
}

/** Collapse the blank-line runs left by removed content. */
function tidy(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let blank = 0;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    blank = trimmed ? 0 : blank + 1;
    if (blank <= 1) out.push(trimmed);
  }
  return out.join("\n").trim();
}

/**
 * What a person sees of `markdown` on GitHub, for the model. Idempotent on its own output's text
 * (running it again removes nothing further).
 */
export function toModelText(markdown: string, options: { maxChars?: number } = {}): ModelText {
  const max = options.maxChars ?? MAX_INBOUND_CHARS;
  const input = capLength(markdown, max);
  const { tokens, env } = parseMarkdown(input, { linkify: false });
  const walker = new VisibleText();
  const rendered = walker.blocks(toTree(tokens)).join("\n\n");
  const hidden = walker.hidden;
  for (const label of Object.keys(env.references ?? {})) if (!walker.usedLabels.has(label)) hidden.add("link-definition");
  const normalized = rendered.normalize("NFC");
  const visible = stripInvisible(normalized);
  if (visible !== normalized) hidden.add("invisible-unicode");
  return { text: tidy(visible), hidden: [...hidden], truncated: input.length < markdown.length, images: [...new Set(walker.images)].slice(0, 10) };
}

/** One line of untrusted text (a title, a name, a path) for a prompt: visible characters only. */
export function toModelLine(text: string, maxChars = 256): string {
  return capLength(
    stripInvisible(capLength(text, maxChars * 4).replace(/[\r\n\t]+/g, " "))
      .replace(/ {2,}/g, " ")
      .trim(),
    maxChars,
  );
}

/** Plain text that is not Markdown (a job log): escape sequences and invisible characters removed. */
export function toModelPlainText(text: string, maxChars = MAX_INBOUND_CHARS): string {
  return stripInvisible(capLength(text, maxChars).replace(/\r\n?/g, "\n").replace(ANSI, "")).trim();
}

/** For the model, next to the text: which hidden content was removed from it (empty when none). */
export function describeHidden(hidden: readonly HiddenKind[]): string {
  return hidden.map((k) => HIDDEN_LABEL[k]).join(", ");
}

/** The visible text alone (see toModelText). */
export function sanitizeUntrusted(text: string): string {
  return toModelText(text).text;
}

/** True when GitHub would hide part of `text` from a person. */
export function hadHiddenContent(text: string): boolean {
  return toModelText(text).hidden.length > 0;
}
