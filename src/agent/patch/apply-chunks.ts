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
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
  "\u2018": "'", "\u2019": "'", "\u201A": "'", "\u201B": "'",
  "\u201C": '"', "\u201D": '"', "\u201E": '"', "\u201F": '"',
  "\u00A0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
  "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200A": " ", "\u202F": " ", "\u205F": " ", "\u3000": " ",
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

function split(text: string): SplitText {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return { lines, eol };
}

/** Returns the new text of the file; throws HunkError naming the first hunk that did not apply. */
export function applyChunks(original: string, chunks: readonly PatchChunk[], path: string): string {
  const { lines, eol } = split(original);
  const replacements: { at: number; remove: number; insert: string[] }[] = [];
  let cursor = 0;
  chunks.forEach((chunk, n) => {
    const where = `Hunk ${n + 1} of ${chunks.length} in ${path}`;
    for (const anchor of chunk.anchors) {
      const idx = seekSequence(lines, [anchor], cursor, false);
      if (idx < 0) throw new HunkError(`${where}: could not find the '@@ ${anchor}' context line after line ${cursor}. Re-read the file and retry.`);
      cursor = idx + 1;
    }
    if (chunk.oldLines.length === 0) {
      // Pure addition: right after the anchor if there is one, else at the end of the file.
      const at = chunk.anchors.length > 0 ? cursor : lines.length;
      replacements.push({ at, remove: 0, insert: chunk.newLines });
      return;
    }
    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    let idx = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    if (idx < 0 && oldLines.at(-1) === "") {
      // A trailing blank line in the hunk often stands for the end of the file.
      oldLines = oldLines.slice(0, -1);
      newLines = newLines.at(-1) === "" ? newLines.slice(0, -1) : newLines;
      idx = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    }
    if (idx < 0) throw new HunkError(describeMiss(where, lines, oldLines, cursor));
    replacements.push({ at: idx, remove: oldLines.length, insert: newLines });
    cursor = idx + oldLines.length;
  });
  const out = [...lines];
  for (const r of [...replacements].sort((a, b) => b.at - a.at)) out.splice(r.at, r.remove, ...r.insert);
  return out.length === 0 ? "" : out.join(eol) + eol;
}

function describeMiss(where: string, lines: readonly string[], expected: readonly string[], cursor: number): string {
  const shown = expected.slice(0, 12).map((l) => `  ${l}`).join("\n");
  const firstReal = expected.find((l) => l.trim() !== "");
  let hint = "None of the hunk's lines were found; re-read the file with read_file before patching.";
  if (firstReal !== undefined) {
    const near = lines.findIndex((l, i) => i >= 0 && normalizeLine(l) === normalizeLine(firstReal));
    if (near >= 0) {
      const actual = lines.slice(near, near + Math.min(expected.length, 12)).map((l) => `  ${l}`).join("\n");
      hint = `The file has the first line at line ${near + 1}${near < cursor ? " (before an earlier hunk; hunks must be in file order)" : ""}, but the following lines differ. The file there reads:\n${actual}`;
    }
  }
  return `${where}: could not find the expected lines (context and '-' lines):\n${shown}\n${hint}`;
}
