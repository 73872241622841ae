/**
 * Applies the hunks of one V4A "Update File" to a file's text, in memory. Context is matched the
 * way Codex's `seek_sequence` does it: exactly, then ignoring trailing whitespace, then ignoring
 * surrounding whitespace, then after folding typographic punctuation (curly quotes, dashes,
 * non-breaking spaces) to ASCII. Every hunk must match or the whole file is rejected, with a
 * message naming the hunk and showing what was expected and what the file has near there.
 */
import type { PatchChunk } from "./parse-patch.js";

export class HunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HunkError";
  }
}

const PUNCT: Record<string, string> = {
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\u2018": "'",
  "\u2019": "'",
  "\u201A": "'",
  "\u201B": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u201E": '"',
  "\u201F": '"',
  "\u00A0": " ",
  "\u2002": " ",
  "\u2003": " ",
  "\u2004": " ",
  "\u2005": " ",
  "\u2006": " ",
  "\u2007": " ",
  "\u2008": " ",
  "\u2009": " ",
  "\u200A": " ",
  "\u202F": " ",
  "\u205F": " ",
  "\u3000": " ",
};
const PUNCT_RE = new RegExp(`[${Object.keys(PUNCT).join("")}]`, "g");

export function normalizeLine(s: string): string {
  return s.trim().replace(PUNCT_RE, (c) => PUNCT[c] ?? c);
}

const MATCHERS: ((a: string, b: string) => boolean)[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
  (a, b) => normalizeLine(a) === normalizeLine(b),
];

/** Index where `pattern` occurs in `lines` at or after `start`, or -1. */
export function seekSequence(lines: readonly string[], pattern: readonly string[], start: number, eof: boolean): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const from = eof ? lines.length - pattern.length : start;
  for (const eq of MATCHERS) {
    for (let i = Math.max(0, from); i <= lines.length - pattern.length; i++) {
      let ok = true;
      for (let j = 0; j < pattern.length; j++) {
        if (!eq(lines[i + j]!, pattern[j]!)) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
    }
  }
  return -1;
}

interface SplitText {
  lines: string[];
  eol: "\n" | "\r\n";
}

/** CRLF only when every newline is CRLF (Codex's rule); otherwise LF, and a stray CR stays part of its line. */
function split(text: string): SplitText {
  const lf = (text.match(/\n/g) ?? []).length;
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const eol = lf > 0 && crlf === lf ? "\r\n" : "\n";
  const lines = eol === "\r\n" ? text.split("\r\n") : text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return { lines, eol };
}

interface Replacement {
  at: number;
  remove: number;
  insert: readonly string[];
}

/**
 * Returns the new text of the file; throws HunkError naming the first hunk that did not apply.
 *
 * Placement, hunk by hunk, from a cursor that only moves forward:
 * - each "@@" anchor is searched from the cursor, and the cursor moves past it;
 * - the hunk's context and '-' lines are searched from the cursor (at the very end of the file for
 *   `*** End of File`); when not found and they end with empty lines, those are dropped and the
 *   search repeated (Codex drops one; a blank line before the next header is formatting);
 * - a hunk with no context or '-' lines (only '+') goes right after its last anchor, or at the end
 *   of the file when it has no anchor or ends with `*** End of File` (Codex: always at the end).
 * Anything else is an error: an edit is never applied somewhere it was not placed exactly.
 */
export function applyChunks(original: string, chunks: readonly PatchChunk[], path: string): string {
  const { lines, eol } = split(original);
  const replacements: Replacement[] = [];
  let cursor = 0;
  chunks.forEach((chunk, n) => {
    const where = `Hunk ${n + 1} of ${chunks.length} in ${path}`;
    for (const anchor of chunk.anchors) {
      const idx = seekSequence(lines, [anchor], cursor, false);
      if (idx < 0) {
        throw new HunkError(
          `${where}: could not find the '@@ ${anchor}' line${cursor > 0 ? ` after line ${cursor}` : ""}. An '@@' anchor must be the exact text of one line of the file (hunks in file order). Re-read the file with read_file and resend the patch.`,
        );
      }
      cursor = idx + 1;
    }
    let oldLines: readonly string[] = chunk.oldLines;
    let newLines: readonly string[] = chunk.newLines;
    let idx = oldLines.length > 0 ? seekSequence(lines, oldLines, cursor, chunk.isEndOfFile) : -1;
    let droppedRemoval = false;
    if (idx < 0 && oldLines.at(-1) === "") {
      // Codex: a trailing empty line of the hunk often stands for the file's final newline.
      oldLines = oldLines.slice(0, -1);
      if (newLines.at(-1) === "") newLines = newLines.slice(0, -1);
      else droppedRemoval = true;
      if (oldLines.length > 0) idx = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
      while (idx < 0 && oldLines.at(-1) === "" && newLines.at(-1) === "") {
        oldLines = oldLines.slice(0, -1);
        newLines = newLines.slice(0, -1);
        if (oldLines.length > 0) idx = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
      }
    }
    if (oldLines.length === 0 && droppedRemoval) {
      // The hunk removes an empty line the file does not have there: nothing to place it on.
      throw new HunkError(describeMiss(where, lines, chunk.oldLines, cursor, chunk.isEndOfFile));
    }
    if (oldLines.length === 0) {
      // Only '+' lines left: a pure insertion, never at a position a dropped blank line happened to match.
      const end = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
      replacements.push({ at: chunk.anchors.length > 0 && !chunk.isEndOfFile ? cursor : end, remove: 0, insert: newLines });
      return;
    }
    if (idx < 0) throw new HunkError(describeMiss(where, lines, chunk.oldLines, cursor, chunk.isEndOfFile));
    if (idx < cursor) {
      throw new HunkError(
        `${where}: its lines are the last lines of the file ('*** End of File'), but they start at line ${idx + 1}, before the end of the previous hunk or '@@' anchor (line ${cursor}). Hunks must not overlap and must be in file order; merge them into one hunk.`,
      );
    }
    replacements.push({ at: idx, remove: oldLines.length, insert: newLines });
    cursor = idx + oldLines.length;
  });
  // As Codex does: ordered by position (stable, so hunks at one position keep their order), then
  // applied from the last to the first so earlier positions stay valid.
  const ordered = replacements.map((r, k) => ({ r, k })).sort((a, b) => a.r.at - b.r.at || a.k - b.k);
  const out = [...lines];
  for (const { r } of ordered.reverse()) out.splice(r.at, r.remove, ...r.insert);
  return out.length === 0 ? "" : out.join(eol) + eol;
}

function describeMiss(where: string, lines: readonly string[], expected: readonly string[], cursor: number, eof: boolean): string {
  const shown = expected
    .slice(0, 12)
    .map((l) => `  ${l}`)
    .join("\n");
  const firstReal = expected.find((l) => l.trim() !== "");
  let hint = "None of the hunk's lines were found.";
  if (firstReal !== undefined) {
    const near = lines.findIndex((l) => normalizeLine(l) === normalizeLine(firstReal));
    if (near >= 0) {
      const actual = lines
        .slice(near, near + Math.min(expected.length, 12))
        .map((l) => `  ${l}`)
        .join("\n");
      const order = near < cursor ? " (before an earlier hunk or '@@' anchor; hunks must be in file order)" : "";
      hint = `The file has the first line at line ${near + 1}${order}, but the following lines differ. The file there reads:\n${actual}`;
    }
  }
  const tail = eof ? " With '*** End of File' they must be the last lines of the file." : "";
  return `${where}: could not find the expected lines (context and '-' lines):\n${shown}\n${hint}${tail}\nRe-read the file with read_file and resend the patch with its current lines.`;
}
