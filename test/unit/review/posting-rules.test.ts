import { describe, expect, it } from "vitest";
import { formatReviewSummary, summarizeState } from "../../../src/review/format-review-summary.js";
import { formatFindingComment } from "../../../src/review/format-review-comment.js";
import { parseSummaryMarker } from "../../../src/review/review-markers.js";
import type { Finding, ReviewResult } from "../../../src/review/types.js";
import { checkConclusion, reviewEvent } from "../../../src/tasks/security-review.js";

const finding = (over: Partial<Finding> = {}): Finding => ({
  path: "src/a.ts",
  line: 3,
  side: "RIGHT",
  severity: "high",
  cwe: "CWE-78",
  title: "Command injection",
  explanation: "user input reaches exec()",
  source: "model",
  fingerprint: "fp-cmd",
  ...over,
});

const result = (findings: Finding[], modelReviewed = true): ReviewResult => ({
  findings,
  unanchored: [],
  coverage: { filesReviewed: 1, linesReviewed: 10, skipped: [], modelTruncated: false, modelReviewed },
  notes: [],
});

describe("posting rules", () => {
  it("requests changes only at or above the configured severity, never on the app's own PR", () => {
    expect(reviewEvent([finding({ severity: "high" })], "critical", false)).toBe("COMMENT");
    expect(reviewEvent([finding({ severity: "critical" })], "critical", false)).toBe("REQUEST_CHANGES");
    expect(reviewEvent([finding({ severity: "medium" })], "medium", false)).toBe("REQUEST_CHANGES");
    expect(reviewEvent([finding({ severity: "critical" })], "never", false)).toBe("COMMENT");
    expect(reviewEvent([finding({ severity: "critical" })], "low", true)).toBe("COMMENT");
  });

  it("sets the check conclusion by severity", () => {
    expect(checkConclusion([], "never")).toBe("success");
    expect(checkConclusion([finding({ severity: "medium" })], "never")).toBe("neutral");
    expect(checkConclusion([finding({ severity: "high" })], "never")).toBe("failure");
    expect(checkConclusion([finding({ severity: "medium" })], "medium")).toBe("failure");
  });

  it("marks a finding resolved when a later run no longer finds it", () => {
    const first = summarizeState(result([finding(), finding({ fingerprint: "fp-secret", source: "secrets", title: "Token committed" })]), null);
    const body = formatReviewSummary({ result: result([finding()]), state: first, headSha: "a".repeat(40), pr: 1, inline: new Set(), textFiles: 1 });
    const second = summarizeState(result([finding()]), parseSummaryMarker(body));
    expect(second.resolved.map((e) => e.fp)).toEqual(["fp-secret"]);
    const marker = parseSummaryMarker(
      formatReviewSummary({ result: result([finding()]), state: first, headSha: "a".repeat(40), pr: 1, inline: new Set(), textFiles: 1 }),
    );
    const third = summarizeState(result([]), marker);
    const text = formatReviewSummary({ result: result([]), state: third, headSha: "c".repeat(40), pr: 1, inline: new Set(), textFiles: 1 });
    expect(third.resolved.map((e) => e.fp).sort()).toEqual(["fp-cmd", "fp-secret"]);
    expect(text).toContain("### Resolved");
    expect(text).toContain("~~Command injection~~");
  });

  it("does not call a model finding resolved when the model did not run", () => {
    const before = summarizeState(result([finding()]), null);
    const marker = parseSummaryMarker(
      formatReviewSummary({ result: result([finding()]), state: before, headSha: "a".repeat(40), pr: 1, inline: new Set(), textFiles: 1 }),
    );
    const after = summarizeState(result([], false), marker);
    expect(after.resolved).toEqual([]);
    expect(after.open.map((e) => e.fp)).toEqual(["fp-cmd"]);
  });

  it("never says just 'no findings' when part of the diff was not reviewed", () => {
    const r = result([]);
    r.coverage.modelTruncated = true;
    r.coverage.skipped.push({ path: "big.ts", reason: "size-cap" }, { path: "package-lock.json", reason: "lockfile" });
    const text = formatReviewSummary({ result: r, state: { open: [], resolved: [] }, headSha: "a".repeat(40), pr: 1, inline: new Set(), textFiles: 2 });
    expect(text).toContain("but the review was not complete");
    expect(text).toContain("over the size cap: 1 file(s): `big.ts`");
    expect(text).toContain("lockfiles (dependency check only)");
  });

  it("keeps a suggestion fence unbreakable and strips mentions and external images from model text", () => {
    const body = formatFindingComment(
      finding({ explanation: "ping @octo/security ![x](https://evil.test/?d=1)", suggestedFix: "const s = ```x```;", startLine: 2 }),
      "a".repeat(40),
    );
    expect(body).toContain("````suggestion\nconst s = ```x```;\n````");
    expect(body).not.toContain("https://evil.test");
    expect(body).not.toContain(" @octo/security");
  });
});
