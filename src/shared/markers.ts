/**
 * The one codec for hidden machine state in bodies the app owns:
 * `<!-- issue-agent:<kind> <base64url JSON> -->`. Base64 keeps the payload free of `-->` and of
 * anything a sanitizer or Markdown renderer would touch. Every kind has a zod schema; a marker
 * whose payload does not match is not ours to trust and is ignored. Append markers only after
 * redaction, so neither step mangles the other.
 */
import { z } from "zod";

const json: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));
const jsonObject = z.record(z.string(), json);
const severity = z.enum(["critical", "high", "medium", "low", "info"]);

const summaryEntry = z.object({
  fp: z.string(),
  severity,
  title: z.string(),
  path: z.string(),
  line: z.number().int().optional(),
  source: z.string().optional(),
});

export const MARKER_SCHEMAS = {
  /** The status comment of a run: which job and key it belongs to. */
  status: jsonObject,
  /** The app's PR body: the previous run's summary and the like. */
  pr: jsonObject,
  refusal: jsonObject,
  notice: jsonObject,
  /** One inline security-review comment: the finding it is about. */
  finding: z.looseObject({
    v: z.literal(1),
    fp: z.string(),
    severity,
    cwe: z.string(),
    path: z.string(),
    line: z.number().int(),
    startLine: z.number().int().optional(),
    title: z.string(),
    source: z.string(),
    sha: z.string(),
  }),
  /** The review summary comment: open and resolved findings. */
  "security-summary": z.looseObject({
    v: z.literal(1),
    pr: z.number().int(),
    sha: z.string(),
    open: z.array(summaryEntry),
    resolved: z.array(summaryEntry),
  }),
} as const;

export type MarkerKind = keyof typeof MARKER_SCHEMAS;
export type MarkerOf<K extends MarkerKind> = z.output<(typeof MARKER_SCHEMAS)[K]>;

const KIND = "[a-z][a-z-]{0,40}";
// Bounded quantifiers on both parts: linear on any input.
const MARKER = new RegExp(`<!-- issue-agent:(${KIND}) ([A-Za-z0-9_-]{0,200000}) -->`, "g");

export function encodeMarker(kind: MarkerKind, data: object): string {
  return `<!-- issue-agent:${kind} ${Buffer.from(JSON.stringify(data), "utf8").toString("base64url")} -->`;
}

/** Every valid marker of `kind` in `body`, in order. */
export function decodeMarkers<K extends MarkerKind>(body: string | null | undefined, kind: K): MarkerOf<K>[] {
  if (!body) return [];
  const out: MarkerOf<K>[] = [];
  for (const m of body.matchAll(MARKER)) {
    if (m[1] !== kind) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(m[2] ?? "", "base64url").toString("utf8"));
    } catch {
      continue; // malformed: not ours
    }
    const parsed = MARKER_SCHEMAS[kind].safeParse(raw);
    if (parsed.success) out.push(parsed.data as MarkerOf<K>);
  }
  return out;
}

/** The last valid marker of `kind`, or null. */
export function decodeLastMarker<K extends MarkerKind>(body: string | null | undefined, kind: K): MarkerOf<K> | null {
  return decodeMarkers(body, kind).at(-1) ?? null;
}

/** `body` without markers (of `kind`, or all of the app's), e.g. before quoting a body back. */
export function stripMarkers(body: string, kind?: MarkerKind): string {
  return body.replace(MARKER, (whole, k: string) => (kind === undefined || k === kind ? "" : whole));
}
