/**
 * Anchoring: a finding goes inline only when its line exists on the RIGHT side of the diff (an added
 * or context line of a hunk) and a range stays inside one hunk. Anything else, including a line a
 * model made up, goes to the summary. This is also what keeps the review API from rejecting the
 * whole review with 422 "line must be part of the diff".
 */
import { fingerprintOf, normalizeLine } from "./fingerprint.js";
import { rightLineText, rightSideLines, type DiffFile } from "./parse-diff.js";
import type { Finding, FindingSource, Severity, UnanchoredFinding } from "./types.js";

export interface CandidateFinding {
  path: string;
  line: number;
  startLine?: number;
  severity: Severity;
  cwe: string;
  title: string;
  explanation: string;
  suggestedFix?: string;
  source: FindingSource;
  ruleId?: string;
  fingerprint?: string;
}

export interface AnchorResult {
  anchored: Finding[];
  unanchored: UnanchoredFinding[];
}

function normalizePath(p: string): string {
  return p.replace(/^\.?\//, "").replace(/^[ab]\//, "");
}

export function anchorFindings(candidates: readonly CandidateFinding[], files: readonly DiffFile[]): AnchorResult {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: AnchorResult = { anchored: [], unanchored: [] };
  for (const c of candidates) {
    const path = normalizePath(c.path);
    const file = byPath.get(path);
    const lines = file ? rightSideLines(file) : new Map<number, number>();
    const hunk = lines.get(c.line);
    if (!file || hunk === undefined) {
      const reason = !file ? `${path} is not changed by this pull request` : `line ${c.line} of ${path} is not part of the diff`;
      const { fingerprint: given, startLine, ...rest } = c;
      const u: UnanchoredFinding = { ...rest, path, reason, fingerprint: given ?? fingerprintOf([c.source, path, c.cwe, c.title.toLowerCase()]) };
      // Nothing checked this range against the file: keep a start line only where it makes one.
      if (startLine !== undefined && Number.isInteger(startLine) && startLine >= 1 && startLine <= c.line) u.startLine = startLine;
      out.unanchored.push(u);
      continue;
    }
    const f: Finding = {
      path,
      line: c.line,
      side: "RIGHT",
      severity: c.severity,
      cwe: c.cwe,
      title: c.title,
      explanation: c.explanation,
      source: c.source,
      fingerprint: c.fingerprint ?? fingerprintOf([c.source, path, c.cwe, normalizeLine(rightLineText(file, c.line) ?? "")]),
    };
    if (c.ruleId) f.ruleId = c.ruleId;
    let rangeOk = true;
    if (c.startLine !== undefined && c.startLine !== c.line) {
      rangeOk = c.startLine < c.line && lines.get(c.startLine) === hunk;
      for (let l = c.startLine; rangeOk && l <= c.line; l++) rangeOk = lines.get(l) === hunk;
      if (rangeOk) f.startLine = c.startLine;
    }
    // A suggestion replaces exactly the commented lines; without the intended range it would corrupt code.
    if (c.suggestedFix !== undefined && rangeOk) f.suggestedFix = c.suggestedFix;
    out.anchored.push(f);
  }
  return out;
}
