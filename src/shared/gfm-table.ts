/**
 * GFM tables as GitHub (cmark-gfm) splits them, for shared/markdown.ts. A port of markdown-it 14's
 * table rule (MIT, markdown-it authors) with three changes, each a place where markdown-it showed
 * text that GitHub does not (cells past the header's count are dropped on GitHub):
 * - a backslash escapes the character after it, a backslash included: `\\|` is an escaped
 *   backslash and then a cell boundary, as in cmark-gfm (markdown-it read it as an escaped pipe);
 * - the header row needs no pipe when the delimiter row has one (`x` over `|-|` is a table);
 * - a table is a table only up to TABLE_CELL_BUDGET cells, counted before it is built (a 1,000-column
 *   header over short rows otherwise makes markdown-it fill in 65,536 empty cells); a larger one
 *   stays a paragraph, which shows the same characters.
 */
import type { StateBlock } from "markdown-it";

/** A table with more cells than this (header included, rows counted to the next blank line) is text. */
export const TABLE_CELL_BUDGET = 5_000;

const NEXT_BLANK = Symbol("nextBlankLine");

function isSpace(code: number): boolean {
  return code === 0x09 || code === 0x20;
}

function isAsciiPunctuation(code: number): boolean {
  return (code >= 0x21 && code <= 0x2f) || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e);
}

function getLine(state: StateBlock, line: number): string {
  return state.src.slice((state.bMarks[line] ?? 0) + (state.tShift[line] ?? 0), state.eMarks[line] ?? 0);
}

/** Cells of a row: split at pipes that no backslash escapes; `\|` becomes `|`, other escapes stay for inline parsing. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c && i + 1 < line.length && isAsciiPunctuation(line.charCodeAt(i + 1))) {
      current += line.charCodeAt(i + 1) === 0x7c ? "|" : line.slice(i, i + 2);
      i++;
    } else if (c === 0x7c) {
      cells.push(current);
      current = "";
    } else current += line[i];
  }
  cells.push(current);
  if (cells.length > 1 && cells[0]?.trim() === "") cells.shift();
  if (cells.length > 1 && cells[cells.length - 1]?.trim() === "") cells.pop();
  return cells;
}

/** For each line of `src`, the index of the first blank line at or after it (one linear pass). */
function nextBlankLines(src: string): Int32Array {
  const blank: boolean[] = [];
  let lineBlank = true;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      blank.push(lineBlank);
      lineBlank = true;
    } else if (c !== 32 && c !== 9) lineBlank = false;
  }
  blank.push(lineBlank);
  const next = new Int32Array(blank.length + 1);
  next[blank.length] = blank.length;
  for (let i = blank.length - 1; i >= 0; i--) next[i] = blank[i] ? i : (next[i + 1] ?? blank.length);
  return next;
}

function rowsUpperBound(state: StateBlock, startLine: number): number {
  const env = state.env as { [NEXT_BLANK]?: Int32Array };
  const next = (env[NEXT_BLANK] ??= nextBlankLines(state.src));
  return Math.max(1, (next[startLine] ?? startLine) - startLine);
}

/** `[^label]:` starts a footnote definition, which ends a table as any other block does. */
function isFootnoteDefinition(line: string): boolean {
  if (!line.startsWith("[^")) return false;
  const close = line.indexOf("]", 2);
  return close > 2 && line[close + 1] === ":" && !/\s/.test(line.slice(2, close));
}

export function gfmTable(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (startLine + 2 > endLine) return false;
  let nextLine = startLine + 1;
  if ((state.sCount[nextLine] ?? 0) < state.blkIndent) return false;
  if ((state.sCount[nextLine] ?? 0) - state.blkIndent >= 4) return false;

  // The delimiter row: only |, -, : and spaces, at least one dash per cell.
  let pos = (state.bMarks[nextLine] ?? 0) + (state.tShift[nextLine] ?? 0);
  const end = state.eMarks[nextLine] ?? 0;
  if (pos >= end) return false;
  const firstCh = state.src.charCodeAt(pos++);
  if (firstCh !== 0x7c && firstCh !== 0x2d && firstCh !== 0x3a) return false;
  if (pos >= end) return false;
  const secondCh = state.src.charCodeAt(pos++);
  if (secondCh !== 0x7c && secondCh !== 0x2d && secondCh !== 0x3a && !isSpace(secondCh)) return false;
  if (firstCh === 0x2d && isSpace(secondCh)) return false;
  while (pos < end) {
    const ch = state.src.charCodeAt(pos);
    if (ch !== 0x7c && ch !== 0x2d && ch !== 0x3a && !isSpace(ch)) return false;
    pos++;
  }
  const delimiter = getLine(state, startLine + 1);
  const marks = delimiter.split("|");
  const aligns: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    const t = (marks[i] ?? "").trim();
    if (!t) {
      if (i === 0 || i === marks.length - 1) continue;
      return false;
    }
    if (!/^:?-+:?$/.test(t)) return false;
    if (t.endsWith(":")) aligns.push(t.startsWith(":") ? "center" : "right");
    else if (t.startsWith(":")) aligns.push("left");
    else aligns.push("");
  }

  // Checked before the header is split, and in silent mode too: an over-budget table must not end
  // a paragraph either (the header has as many cells as the delimiter row, or there is no table).
  if (aligns.length * rowsUpperBound(state, startLine) > TABLE_CELL_BUDGET) return false;

  // The header row: a pipe in it or in the delimiter row (else `x` over `---` is a heading).
  const header = getLine(state, startLine).trim();
  if (!header.includes("|") && !delimiter.includes("|")) return false;
  if ((state.sCount[startLine] ?? 0) - state.blkIndent >= 4) return false;
  const columns = splitRow(header);
  const columnCount = columns.length;
  if (columnCount === 0 || columnCount !== aligns.length) return false;
  if (silent) return true;

  const oldParentType = state.parentType;
  state.parentType = "table" as typeof state.parentType;
  const terminatorRules = state.md.block.ruler.getRules("blockquote");
  const tableOpen = state.push("table_open", "table", 1);
  const tableLines: [number, number] = [startLine, 0];
  tableOpen.map = tableLines;
  state.push("thead_open", "thead", 1).map = [startLine, startLine + 1];
  state.push("tr_open", "tr", 1).map = [startLine, startLine + 1];
  const cell = (tag: "th" | "td", i: number, content: string) => {
    const open = state.push(`${tag}_open`, tag, 1);
    if (aligns[i]) open.attrs = [["style", `text-align:${aligns[i]}`]];
    const inline = state.push("inline", "", 0);
    inline.content = content.trim();
    inline.children = [];
    state.push(`${tag}_close`, tag, -1);
  };
  columns.forEach((c, i) => cell("th", i, c));
  state.push("tr_close", "tr", -1);
  state.push("thead_close", "thead", -1);

  let tbodyLines: [number, number] | undefined;
  for (nextLine = startLine + 2; nextLine < endLine; nextLine++) {
    if ((state.sCount[nextLine] ?? 0) < state.blkIndent) break;
    if (terminatorRules.some((rule) => rule(state, nextLine, endLine, true))) break;
    const line = getLine(state, nextLine).trim();
    if (!line || isFootnoteDefinition(line)) break;
    if ((state.sCount[nextLine] ?? 0) - state.blkIndent >= 4) break;
    const cells = splitRow(line);
    if (nextLine === startLine + 2) {
      tbodyLines = [startLine + 2, 0];
      state.push("tbody_open", "tbody", 1).map = tbodyLines;
    }
    state.push("tr_open", "tr", 1).map = [nextLine, nextLine + 1];
    // Cells past the header's count are not shown (GitHub drops them); missing ones are empty.
    for (let i = 0; i < columnCount; i++) cell("td", i, cells[i] ?? "");
    state.push("tr_close", "tr", -1);
  }
  if (tbodyLines) {
    state.push("tbody_close", "tbody", -1);
    tbodyLines[1] = nextLine;
  }
  state.push("table_close", "table", -1);
  tableLines[1] = nextLine;
  state.parentType = oldParentType;
  state.line = nextLine;
  return true;
}
