/**
 * Characters a human reviewer cannot see but a compiler or a model reads (THREATS B7, K):
 * bidi controls (Trojan Source, CVE-2021-42574), the Unicode tag block ("ASCII smuggling"),
 * zero-width and other invisible characters, variation-selector payloads. Emoji keep working:
 * ZWJ between two pictographs, VS15/VS16 after a pictograph and RGI subdivision flags are allowed.
 */
import { fingerprintOf, normalizeLine } from "./fingerprint.js";
import type { AddedLine, DiffFile } from "./parse-diff.js";
import { addedLines } from "./parse-diff.js";
import type { Finding, Severity } from "./types.js";

type HiddenKind = "bidi" | "tag" | "invisible" | "variation";

const FLAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u;

function kindOf(cp: number): HiddenKind | null {
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x061c) return "bidi";
  if (cp >= 0xe0000 && cp <= 0xe007f) return "tag";
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return "variation";
  if (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x180e ||
    cp === 0x3164 ||
    cp === 0x115f ||
    cp === 0x1160
  )
    return "invisible";
  return null;
}

const DETAILS: Record<HiddenKind, { severity: Severity; cwe: string; title: string; why: string }> = {
  bidi: {
    severity: "high",
    cwe: "CWE-451",
    title: "Bidirectional control character (Trojan Source)",
    why: "Bidi controls reorder how code is displayed, so the logic a reviewer sees differs from what the compiler runs (Trojan Source, CVE-2021-42574).",
  },
  tag: {
    severity: "high",
    cwe: "CWE-451",
    title: "Invisible Unicode tag characters",
    why: "Characters from the Unicode tag block are invisible in most editors and on GitHub but are read by language models: a known way to smuggle instructions to AI tools.",
  },
  invisible: {
    severity: "medium",
    cwe: "CWE-451",
    title: "Invisible character",
    why: "Zero-width and other invisible characters make two identifiers or strings look identical while differing, and can hide text from reviewers.",
  },
  variation: {
    severity: "medium",
    cwe: "CWE-451",
    title: "Variation selector outside an emoji",
    why: "Variation selectors outside emoji render as nothing and can carry an encoded payload.",
  },
};

function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Hidden characters of one line, with their columns; emoji uses are left out. */
export function findHiddenCharacters(text: string): { kind: HiddenKind; codePoint: number; column: number }[] {
  // Fast path: ASCII-only lines (most code) cannot contain any of these.
  if (!/[\u0080-\u{10FFFF}]/u.test(text)) return [];
  const flagged: { kind: HiddenKind; codePoint: number; column: number }[] = [];
  const allowed = new Set<number>();
  for (const m of text.matchAll(FLAG_SEQUENCE)) for (let i = 0; i < m[0].length; i++) allowed.add((m.index ?? 0) + i);
  const chars = [...text];
  let column = 0;
  chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0) ?? 0;
    const kind = kindOf(cp);
    const prev = chars[i - 1] ?? "";
    const next = chars[i + 1] ?? "";
    const emojiUse =
      (cp === 0x200d && PICTOGRAPH.test(prev) && PICTOGRAPH.test(next)) ||
      ((cp === 0xfe0e || cp === 0xfe0f) && (PICTOGRAPH.test(prev) || /[#*0-9\u00a9\u00ae\u2000-\u3300]/u.test(prev))) ||
      (cp === 0xfeff && column === 0);
    if (kind && !emojiUse && !allowed.has(column)) flagged.push({ kind, codePoint: cp, column });
    column += ch.length;
  });
  return flagged;
}

function stripHidden(text: string): string {
  const drop = new Set(findHiddenCharacters(text).map((f) => f.column));
  let out = "";
  let column = 0;
  for (const ch of text) {
    if (!drop.has(column)) out += ch;
    column += ch.length;
  }
  return out;
}

/** One finding per kind per line: the codes of what was found, never the decoded payload. */
export function scanLinesForHiddenText(path: string, lines: readonly AddedLine[]): Finding[] {
  const out: Finding[] = [];
  for (const l of lines) {
    const found = findHiddenCharacters(l.text);
    const kinds = [...new Set(found.map((f) => f.kind))];
    for (const kind of kinds) {
      const codes = [...new Set(found.filter((f) => f.kind === kind).map((f) => codePointName(f.codePoint)))];
      const d = DETAILS[kind];
      const visible = normalizeLine(l.text.replace(/[^\x20-\x7e]/gu, "·"));
      out.push({
        path,
        line: l.line,
        side: "RIGHT",
        severity: d.severity,
        cwe: d.cwe,
        title: d.title,
        explanation: `${d.why} This line adds ${found.filter((f) => f.kind === kind).length} of them (${codes.slice(0, 8).join(", ")}). Remove them, or escape them (\\u…) if they are intended.`,
        source: "hidden-text",
        // Removing the characters is the local fix; the rest of the line stays as it was.
        suggestedFix: stripHidden(l.text),
        ruleId: `hidden-${kind}`,
        fingerprint: fingerprintOf(["hidden-text", path, kind, visible]),
      });
    }
  }
  return out;
}

export function scanDiffForHiddenText(files: readonly DiffFile[]): Finding[] {
  return files.filter((f) => !f.binary && f.status !== "removed").flatMap((f) => scanLinesForHiddenText(f.path, addedLines(f)));
}
