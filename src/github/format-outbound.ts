/**
 * Outbound filter for every body the app posts that may contain model or user text (comments,
 * PR titles and bodies, commit messages): redact secrets, neutralize @mentions so nobody is paged,
 * break closing keywords that point at issues other than the one being resolved, and drop images
 * and raw HTML that could beacon data to a foreign host (CamoLeak). Markers go on afterwards.
 */
import { redactSecrets } from "../shared/redact.js";

export interface OutboundOptions {
  /** The issue this run resolves: its own closing keyword is left intact. */
  allowCloseIssue?: number;
  /** Extra literal secrets to redact (e.g. the installation token in use). */
  secrets?: readonly string[];
  /** Hosts whose images may stay (GitHub's own). */
  imageHosts?: readonly string[];
}

const ZWSP = "\u200B";
const MENTION = /(^|[^\w`\\/])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]+)?)/g;
const CLOSING =
  /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\s*:?\s+)((?:[\w.-]+\/[\w.-]+)?#(\d+)|https?:\/\/\S+\/issues\/(\d+))/gi;
const MD_IMAGE = /!\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+[^)]*)?\)/g;
const RAW_HTML = /<\/?(img|picture|source|video|audio|iframe|object|embed|svg|script|style|form|input|link|meta|base)\b[^>]*>/gi;
const DEFAULT_IMAGE_HOSTS = ["github.com", "user-images.githubusercontent.com", "private-user-images.githubusercontent.com", "raw.githubusercontent.com"];

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Insert a zero-width space after `@` so `@user` and `@org/team` do not notify anyone. */
export function neutralizeMentions(text: string): string {
  return text.replace(MENTION, (_m, before: string, handle: string) => `${before}@${ZWSP}${handle}`);
}

/** Break closing keywords (`Fixes #12`) except for the issue this run resolves. */
export function neutralizeClosingKeywords(text: string, allowIssue?: number): string {
  return text.replace(CLOSING, (whole, keyword: string, gap: string, ref: string, num?: string, urlNum?: string) => {
    const n = Number(num ?? urlNum);
    const local = !ref.includes("/") || ref.startsWith("#");
    if (allowIssue !== undefined && local && n === allowIssue && ref.startsWith("#")) return whole;
    return `${keyword.slice(0, 1)}${ZWSP}${keyword.slice(1)}${gap}${ref}`;
  });
}

export function formatOutbound(text: string, options: OutboundOptions = {}): string {
  const hosts = options.imageHosts ?? DEFAULT_IMAGE_HOSTS;
  let out = redactSecrets(text, options.secrets ?? []);
  out = out.replace(MD_IMAGE, (whole, alt: string, url: string) => {
    const host = hostOf(url);
    return host && hosts.includes(host) ? whole : `[image removed: ${alt.replace(/[[\]]/g, "") || "external image"}]`;
  });
  out = out.replace(RAW_HTML, (tag) => tag.replace(/</g, "&lt;"));
  out = neutralizeMentions(out);
  out = neutralizeClosingKeywords(out, options.allowCloseIssue);
  return out;
}

/** GitHub caps bodies at 65,536 characters; stay well under it, leaving room for markers. */
export const MAX_BODY_CHARS = 58_000;

export function truncateBody(text: string, max = MAX_BODY_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 80)}\n\n_…truncated (${text.length - max + 80} characters omitted)._`;
}

/** A code fence longer than any backtick run in `text`, so quoted text cannot break out. */
export function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}
