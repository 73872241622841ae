/**
 * Hidden state on the comments the review posts, through the app's one marker codec
 * (src/shared/markers.ts, which holds the zod schema of each kind). A `finding` marker on every inline comment carries the
 * fingerprint (dedupe across runs, and what `/agent fix` in that thread needs to know); the
 * `security-summary` marker on the summary comment carries the list of open findings so the next
 * run can mark the fixed ones as resolved.
 */
import { decodeLastMarker, decodeMarkers, encodeMarker } from "../shared/markers.js";
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

function encode(kind: "finding" | "security-summary", data: object): string {
  return encodeMarker(kind, data);
}

export function renderFindingMarker(data: Omit<FindingMarker, "v">): string {
  return encode("finding", { v: 1, ...data });
}

/** The finding a comment is about, or null (also for markers with a wrong shape). */
export function parseFindingMarker(body: string | null | undefined): FindingMarker | null {
  return decodeLastMarker(body, "finding") as FindingMarker | null;
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
  return decodeLastMarker(body, "security-summary") as SummaryMarker | null;
}

export function hasSummaryMarker(body: string | null | undefined): boolean {
  return decodeMarkers(body, "security-summary").length > 0;
}
