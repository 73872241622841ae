/**
 * Hidden machine state in bodies the app owns: `<!-- issue-agent:<kind> <base64url JSON> -->`.
 * Base64 keeps the payload free of `-->` and of anything the sanitizer or a markdown renderer would
 * touch. Append markers only after redaction, so neither step mangles the other.
 */
import type { JsonValue } from "../jobs/types.js";

export type MarkerKind = "status" | "pr" | "refusal" | "notice";
export type MarkerData = { [key: string]: JsonValue };

const MARKER = /<!-- issue-agent:([a-z]+) ([A-Za-z0-9_-]*) -->/g;
const MAX_MARKER_CHARS = 8_000;

export function renderMarker(kind: MarkerKind, data: MarkerData): string {
  let json = JSON.stringify({ v: 1, ...data });
  if (json.length > MAX_MARKER_CHARS) json = JSON.stringify({ v: 1, truncated: true });
  return `<!-- issue-agent:${kind} ${Buffer.from(json, "utf8").toString("base64url")} -->`;
}

/** The last marker of `kind` in `body`, or null. Malformed markers are ignored. */
export function findMarker(body: string | null | undefined, kind: MarkerKind): MarkerData | null {
  if (!body) return null;
  let found: MarkerData | null = null;
  for (const m of body.matchAll(MARKER)) {
    if (m[1] !== kind) continue;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(m[2] ?? "", "base64url").toString("utf8"));
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) found = parsed as MarkerData;
    } catch {
      found = found ?? null; // a malformed marker is not ours to trust; keep looking
    }
  }
  return found;
}

export function hasMarker(body: string | null | undefined, kind: MarkerKind): boolean {
  return Boolean(body && [...body.matchAll(MARKER)].some((m) => m[1] === kind));
}
