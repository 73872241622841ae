/**
 * The text a person sees of the raw HTML in a GitHub body, for the inbound sanitizer. GitHub first
 * applies GFM's tag filter (`<script>`, `<style>`, `<textarea>`, … are shown as text), then drops
 * comments and attributes outside its allowlist. So: character data is visible; comments, attribute
 * text (alt, title, data-*) and the content of elements that never render (template, svg, …) are
 * not. Links keep their URL in visible form, images become `[image: url]`.
 *
 * One instance follows one document: raw HTML in Markdown comes in pieces (each inline tag is its
 * own token), and an element opened in one piece hides what follows until it is closed. Tokenizing
 * is parse5's, the WHATWG tokenizer; nothing here matches HTML with regular expressions.
 */
import { decodeHTML, decodeHTMLAttribute } from "entities";
import { Tokenizer, type Token, type TokenHandler } from "parse5";

interface Attribute {
  name: string;
  value: string;
}
interface Tag {
  tagName: string;
  attrs: readonly Attribute[];
  selfClosing: boolean;
}

export type HtmlHiddenKind = "html-comment" | "html-hidden" | "attribute-text" | "image-alt" | "empty-link";

export interface HtmlSink {
  text(chars: string): void;
  image(url: string): void;
  hidden(kind: HtmlHiddenKind): void;
}

/** GFM's "disallowed raw HTML": GitHub escapes these tags, so they show up as text. */
const TAGFILTER = /<(?=\/?(?:title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext)(?:[\t\n\f\r />]|$))/gi;
const TAGFILTER_NAMES = new Set(["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"]);
/** Elements whose content never renders on GitHub (dropped with it, or not displayed). */
const DROP_CONTENT = new Set([
  "template",
  "noscript",
  "svg",
  "math",
  "object",
  "applet",
  "audio",
  "video",
  "canvas",
  "head",
  "frameset",
  "select",
  "datalist",
  "map",
]);
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const BLOCK = new Set([
  "p",
  "div",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "details",
  "summary",
  "hr",
  "section",
  "article",
  "header",
  "footer",
  "figure",
  "figcaption",
  "center",
]);
/** Attributes that carry no text a person would read (anything else with letters is hidden text). */
const STRUCTURAL = new Set([
  "href",
  "src",
  "srcset",
  "width",
  "height",
  "align",
  "valign",
  "colspan",
  "rowspan",
  "open",
  "id",
  "class",
  "dir",
  "lang",
  "type",
  "start",
  "rel",
  "target",
  "media",
  "sizes",
  "name",
  "border",
  "cellpadding",
  "cellspacing",
  "style",
  "loading",
  "decoding",
  "referrerpolicy",
  "reversed",
  "scope",
  "headers",
  "checked",
  "disabled",
  "tabindex",
  "role",
]);

function attr(attrs: readonly Attribute[], name: string): string | undefined {
  return attrs.find((a) => a.name === name)?.value;
}

/** The first URL of a `srcset` (`url 1x, url 2x`), scanned by hand. */
function firstSrcsetUrl(srcset: string): string {
  let start = 0;
  while (start < srcset.length && /\s/.test(srcset[start] ?? "")) start++;
  let end = start;
  while (end < srcset.length && !/\s/.test(srcset[end] ?? "") && srcset[end] !== ",") end++;
  return srcset.slice(start, end);
}

export class HtmlVisibility {
  /** How deep we are inside elements whose content does not render. */
  private dropDepth = 0;
  /**
   * Inside a comment that a raw HTML block left open: GitHub's page is one HTML document, so it
   * hides everything after it (Markdown included) until raw HTML somewhere closes it with `-->`.
   */
  private inComment = false;
  private eofInComment = false;
  private readonly anchors: { href: string; textAt: number }[] = [];
  private emitted = 0;

  private readonly handler: TokenHandler;

  constructor(private readonly sink: HtmlSink) {
    this.handler = {
      onComment: () => this.sink.hidden("html-comment"),
      onDoctype: () => this.sink.hidden("html-comment"),
      onStartTag: (t: Token.TagToken) => this.startTag(t),
      onEndTag: (t: Token.TagToken) => this.endTag(t.tagName),
      onEof: () => undefined,
      onCharacter: (t: Token.CharacterToken) => this.chars(t.chars),
      onNullCharacter: () => undefined,
      onWhitespaceCharacter: (t: Token.CharacterToken) => this.chars(t.chars),
      onParseError: (e) => {
        if (e.code === "eof-in-comment") this.eofInComment = true;
      },
    };
  }

  /** Past the `-->` (or `--!>`) that ends an open comment in `html`, or -1. */
  private static commentEnd(html: string): number {
    const a = html.indexOf("-->");
    const b = html.indexOf("--!>");
    if (a === -1 && b === -1) return -1;
    return a !== -1 && (b === -1 || a < b) ? a + 3 : b + 4;
  }

  /** True while inside an element whose content GitHub does not show (Markdown text too). */
  get suppressed(): boolean {
    return this.dropDepth > 0 || this.inComment;
  }

  /** Count visible text emitted outside this class (Markdown text between inline tags). */
  noteText(length: number): void {
    this.emitted += length;
  }

  /** A raw HTML block: any mix of tags, text and comments, tokenized by parse5. */
  feed(html: string): void {
    let input = html.replace(TAGFILTER, "&lt;");
    if (this.inComment) {
      const end = HtmlVisibility.commentEnd(input);
      if (end === -1) return;
      this.inComment = false;
      input = input.slice(end);
    }
    this.eofInComment = false;
    new Tokenizer({ sourceCodeLocationInfo: false }, this.handler).write(input, true);
    if (this.eofInComment) this.inComment = true;
  }

  /**
   * One inline HTML token: CommonMark has already matched it as exactly one open tag, closing tag,
   * comment, processing instruction, declaration or CDATA section. Tags (a grammar stricter than
   * HTML's, so the browser reads them the same) are read directly in one linear pass.
   */
  feedInline(tag: string): void {
    if (this.inComment) {
      const end = HtmlVisibility.commentEnd(tag);
      if (end === -1) return;
      this.inComment = false;
      this.feed(tag.slice(end));
      return;
    }
    // Comments, processing instructions, declarations, CDATA: the browser reads `<?…?>` and `<!X…>`
    // as a comment that ends at the first `>`, and whatever follows as HTML again (an unclosed
    // `<!--` there hides the rest of the page). parse5's tokenizer reads them as the browser does.
    if (tag.startsWith("<!") || tag.startsWith("<?")) {
      this.feed(tag);
      return;
    }
    const closing = tag.startsWith("</");
    let i = closing ? 2 : 1;
    const nameStart = i;
    while (i < tag.length && /[A-Za-z0-9-]/.test(tag[i] ?? "")) i++;
    const tagName = tag.slice(nameStart, i).toLowerCase();
    if (TAGFILTER_NAMES.has(tagName)) {
      this.chars(decodeHTML(tag));
      return;
    }
    if (closing) {
      this.endTag(tagName);
      return;
    }
    const attrs: Attribute[] = [];
    const space = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
    for (;;) {
      while (space(tag[i])) i++;
      const c = tag[i];
      if (c === undefined || c === ">" || c === "/") break;
      const start = i;
      while (i < tag.length && !space(tag[i]) && tag[i] !== "=" && tag[i] !== ">" && !(tag[i] === "/" && tag[i + 1] === ">")) i++;
      const name = tag.slice(start, i).toLowerCase();
      let j = i;
      while (space(tag[j])) j++;
      let value = "";
      if (tag[j] === "=") {
        j++;
        while (space(tag[j])) j++;
        const quote = tag[j];
        if (quote === '"' || quote === "'") {
          const end = tag.indexOf(quote, j + 1);
          value = tag.slice(j + 1, end === -1 ? tag.length : end);
          j = end === -1 ? tag.length : end + 1;
        } else {
          const vs = j;
          while (j < tag.length && !space(tag[j]) && tag[j] !== ">") j++;
          value = tag.slice(vs, j);
        }
        i = j;
      }
      if (i === start) i++;
      attrs.push({ name, value: decodeHTMLAttribute(value) });
    }
    this.startTag({ tagName, attrs, selfClosing: tag.endsWith("/>") });
  }

  private chars(chars: string): void {
    if (this.dropDepth > 0) return;
    this.emitted += chars.length;
    this.sink.text(chars);
  }

  private startTag(t: Tag): void {
    const name = t.tagName;
    if (this.dropDepth > 0) {
      if (DROP_CONTENT.has(name) && !t.selfClosing) this.dropDepth++;
      return;
    }
    for (const a of t.attrs) {
      if (a.name === "alt") {
        if (a.value.trim()) this.sink.hidden("image-alt");
      } else if (!STRUCTURAL.has(a.name) && /\p{L}/u.test(a.value)) this.sink.hidden("attribute-text");
    }
    if (DROP_CONTENT.has(name)) {
      if (!t.selfClosing && !VOID.has(name)) this.dropDepth++;
      this.sink.hidden("html-hidden");
      return;
    }
    if (name === "br") this.sink.text("\n");
    else if (BLOCK.has(name)) this.sink.text("\n");
    if (name === "img" || name === "source") {
      const src = attr(t.attrs, "src") || firstSrcsetUrl(attr(t.attrs, "srcset") ?? "");
      if (src) this.sink.image(src);
    } else if (name === "a" && !t.selfClosing) {
      this.anchors.push({ href: attr(t.attrs, "href") ?? "", textAt: this.emitted });
    }
  }

  private endTag(name: string): void {
    if (this.dropDepth > 0) {
      if (DROP_CONTENT.has(name)) this.dropDepth--;
      return;
    }
    if (name === "a") {
      const a = this.anchors.pop();
      // A link with no text shows nothing: its URL is not visible either.
      if (a?.href) {
        if (this.emitted > a.textAt) this.sink.text(` (${a.href})`);
        else this.sink.hidden("empty-link");
      }
    } else if (BLOCK.has(name)) this.sink.text("\n");
  }
}
