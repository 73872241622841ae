/**
 * What GitHub would show for a Markdown body, for tests: rendered with micromark + GFM (CommonMark
 * and GitHub's extensions, tag filter included: the reference implementation of the mdast family,
 * independent of the markdown-it parser the app uses), raw HTML passed through as GitHub does, then
 * read back with parse5 as a browser would: comments, attributes and script/style/template content
 * are not visible.
 */
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { parseFragment, type DefaultTreeAdapterTypes } from "parse5";

type Node = DefaultTreeAdapterTypes.ChildNode;
type Parent = DefaultTreeAdapterTypes.ParentNode;

/** Elements micromark itself writes for Markdown (anything else came from raw HTML). */
const MARKDOWN_ELEMENTS = new Set([
  "p",
  "a",
  "img",
  "code",
  "pre",
  "em",
  "strong",
  "del",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "hr",
  "br",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "input",
  "section",
  "sup",
]);
const INVISIBLE = new Set(["script", "style", "template", "head", "title"]);

export interface Rendered {
  html: string;
  /** Text a person reads (whitespace collapsed). */
  visible: string;
  /** `src` of every image GitHub would fetch (img src, source srcset, img srcset). */
  images: string[];
  /** Tag names of elements that came from raw HTML, not from Markdown. */
  rawElements: string[];
  /** HTML comments left in the page. */
  comments: string[];
  /** Text a person reads outside code (where mentions and references are live). */
  prose: string;
  /** Text inside code blocks (`pre`). */
  blocks: string;
}

export function renderGitHub(markdown: string): Rendered {
  const html = micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  const out: Rendered = { html, visible: "", images: [], rawElements: [], comments: [], prose: "", blocks: "" };
  let text = "";
  let prose = "";
  let blocks = "";
  const walk = (parent: Parent, inCode: boolean, inPre: boolean) => {
    for (const node of parent.childNodes as Node[]) {
      if (node.nodeName === "#text") {
        const value = (node as DefaultTreeAdapterTypes.TextNode).value;
        text += value;
        if (!inCode) prose += value;
        if (inPre) blocks += value;
      } else if (node.nodeName === "#comment") {
        out.comments.push((node as DefaultTreeAdapterTypes.CommentNode).data);
      } else if ("tagName" in node) {
        const el = node as DefaultTreeAdapterTypes.Element;
        if (!MARKDOWN_ELEMENTS.has(el.tagName)) out.rawElements.push(el.tagName);
        const attr = (name: string) => el.attrs.find((a) => a.name === name)?.value;
        if (el.tagName === "img" || el.tagName === "source") {
          const src = attr("src") ?? attr("srcset")?.trim().split(/\s+/)[0];
          if (src) out.images.push(src);
        }
        if (INVISIBLE.has(el.tagName)) continue;
        if (el.tagName === "p" || el.tagName === "li" || el.tagName === "br" || el.tagName.startsWith("h")) {
          text += "\n";
          prose += "\n";
        }
        walk(el, inCode || el.tagName === "code" || el.tagName === "pre", inPre || el.tagName === "pre");
        if (el.tagName === "td" || el.tagName === "th") {
          text += " ";
          prose += " ";
        }
      }
    }
  };
  walk(parseFragment(html), false, false);
  out.visible = text.replace(/[ \t]+/g, " ");
  out.prose = prose.replace(/[ \t]+/g, " ");
  out.blocks = blocks;
  return out;
}

/** Hosts whose images are GitHub's own. */
export const GITHUB_HOSTS = ["github.com", "user-images.githubusercontent.com", "private-user-images.githubusercontent.com", "raw.githubusercontent.com"];

export function isGitHubImage(src: string): boolean {
  try {
    const url = new URL(src);
    return url.protocol === "https:" && GITHUB_HOSTS.includes(url.hostname);
  } catch {
    return false;
  }
}

/** `@handle` occurrences GitHub would turn into notifications (not after a word character). */
export function mentionsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\w`])@([a-z0-9][a-z0-9-]*)/gi)].map((m) => m[1] ?? "");
}

/** Closing references GitHub would act on in a PR body or commit message. */
export function closingReferencesIn(text: string): string[] {
  return [...text.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+((?:[\w.-]+\/[\w.-]+)?#\d+|https?:\/\/\S+\/issues\/\d+)/gi)].map((m) => m[0]);
}
