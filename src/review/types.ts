/**
 * The review's vocabulary. A finding is anchored to the RIGHT side (the PR head) of the diff;
 * `line` is the last line of the range and `startLine` the first when it spans several.
 */
import type { Severity } from "../config/repo-config.js";

export type { Severity };
export const SEVERITY_ORDER: readonly Severity[] = ["low", "medium", "high", "critical"];

export type FindingSource = "secrets" | "hidden-text" | "dependencies" | "model";

export interface Finding {
  path: string;
  startLine?: number;
  line: number;
  side: "RIGHT";
  severity: Severity;
  /** `CWE-89`. */
  cwe: string;
  title: string;
  explanation: string;
  /** Replacement text for lines startLine..line (a GitHub suggestion), when the fix is local. */
  suggestedFix?: string;
  source: FindingSource;
  /** Stable across runs and line shifts: sha256 prefix of what the finding is about. */
  fingerprint: string;
  /** Rule that produced it (`aws-access-key-id`, `osv`, `model`...). */
  ruleId?: string;
  /**
   * Secret scan only: the value has a credential's format (a vendor prefix, URL user-info) but looks
   * made up (filler characters, an example word, a documentation host). Low severity; the pre-push
   * check does not refuse a push for these alone.
   */
  placeholder?: boolean;
}

/** A finding the review could not anchor to a RIGHT-side line: it goes to the summary only. */
export interface UnanchoredFinding extends Omit<Finding, "line" | "side"> {
  line?: number;
  side?: "RIGHT";
  reason: string;
}

export interface SkippedFile {
  path: string;
  reason: "binary" | "vendored" | "generated" | "lockfile" | "size-cap" | "ignored" | "deleted";
}

export interface Coverage {
  filesReviewed: number;
  linesReviewed: number;
  skipped: SkippedFile[];
  /** The model saw only part of the diff (character cap). */
  modelTruncated: boolean;
  modelReviewed: boolean;
  /** Why the model did not review (not configured, failed, disabled). */
  modelNote?: string;
}

export interface ReviewResult {
  findings: Finding[];
  unanchored: UnanchoredFinding[];
  coverage: Coverage;
  /** Degradations worth telling the reader (OSV unreachable, model failed...). */
  notes: string[];
}

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}
