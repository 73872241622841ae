/**
 * Hidden state on the comments the review posts, in the same `<!-- issue-agent:<kind> <base64url
 * JSON> -->` form as src/github/markers.ts. A `finding` marker on every inline comment carries the
 * fingerprint (dedupe across runs, and what `/agent fix` in that thread needs to know); the
 * `security-summary` marker on the summary comment carries the list of open findings so the next
 * run can mark the fixed ones as resolved.
 */
import type { Severity } from "./types.js";

export interface FindingMarker {
  v: 1;
  fp: string;
  severity: Severity;
  cwe: string;
  path: string;
  line: number;
  startLine?: number;
  title: string;
  source: string;
  /** Head commit the finding was found on. */
  sha: string;
}

export interface SummaryEntry {
  fp: string;
  severity: Severity;
  title: string;
  path: string;
  line?: number;
  source?: string;
}

export interface SummaryMarker {
  v: 1;
  pr: number;
  sha: string;
  open: SummaryEntry[];
  resolved: SummaryEntry[];
}

const MARKER = /<!-- issue-agent:(finding|security-summary) ([A-Za-z0-9_-]*) -->/g;

function encode(kind: string, data: object): string {
  return `<!-- issue-agent:${kind} ${Buffer.from(JSON.stringify(data), "utf8").toString("base64url")} -->`;
}

function decodeAll(body: string | null | undefined, kind: string): unknown[] {
  if (!body) return [];
  const out: unknown[] = [];
  for (const m of body.matchAll(MARKER)) {
    if (m[1] !== kind) continue;
    try {
      out.push(JSON.parse(Buffer.from(m[2] ?? "", "base64url").toString("utf8")));
    } catch {
      continue; // a malformed marker is not ours: ignore it
    }
  }
  return out;
}

export function renderFindingMarker(data: Omit<FindingMarker, "v">): string {
  return encode("finding", { v: 1, ...data });
}

/** The finding a comment is about, or null (also for markers with a wrong shape). */
export function parseFindingMarker(body: string | null | undefined): FindingMarker | null {
  const found = decodeAll(body, "finding").at(-1);
  if (!found || typeof found !== "object") return null;
  const f = found as Partial<FindingMarker>;
  if (typeof f.fp !== "string" || typeof f.path !== "string" || typeof f.line !== "number" || typeof f.title !== "string") return null;
  return f as FindingMarker;
}

/** Keep the marker under GitHub's body limit: drop the oldest resolved entries first. */
export function renderSummaryMarker(data: Omit<SummaryMarker, "v">, maxChars = 40_000): string {
  const m: SummaryMarker = { v: 1, ...data, open: [...data.open], resolved: [...data.resolved] };
  let out = encode("security-summary", m);
  while (out.length > maxChars && (m.resolved.length > 0 || m.open.length > 0)) {
    if (m.resolved.length > 0) m.resolved.shift();
    else m.open.pop();
    out = encode("security-summary", m);
  }
  return out;
}

export function parseSummaryMarker(body: string | null | undefined): SummaryMarker | null {
  const found = decodeAll(body, "security-summary").at(-1);
  if (!found || typeof found !== "object") return null;
  const s = found as Partial<SummaryMarker>;
  if (!Array.isArray(s.open) || !Array.isArray(s.resolved)) return null;
  return s as SummaryMarker;
}

export function hasSummaryMarker(body: string | null | undefined): boolean {
  return decodeAll(body, "security-summary").length > 0;
}
