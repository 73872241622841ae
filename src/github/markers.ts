/**
 * The status/PR markers in the shape github/ and the tasks use; the codec itself (one regex, one
 * zod schema per kind) is src/shared/markers.ts.
 */
import { decodeLastMarker, decodeMarkers, encodeMarker } from "../shared/markers.js";
import type { JsonValue } from "../jobs/types.js";

export type MarkerKind = "status" | "pr" | "refusal" | "notice";
export type MarkerData = { [key: string]: JsonValue };

const MAX_MARKER_CHARS = 8_000;

export function renderMarker(kind: MarkerKind, data: MarkerData): string {
  let payload: object = { v: 1, ...data };
  if (JSON.stringify(payload).length > MAX_MARKER_CHARS) payload = { v: 1, truncated: true };
  return encodeMarker(kind, payload);
}

/** The last marker of `kind` in `body`, or null. Malformed markers are ignored. */
export function findMarker(body: string | null | undefined, kind: MarkerKind): MarkerData | null {
  return decodeLastMarker(body, kind) as MarkerData | null;
}

export function hasMarker(body: string | null | undefined, kind: MarkerKind): boolean {
  return decodeMarkers(body, kind).length > 0;
}
