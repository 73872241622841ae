/**
 * The fixture corpus of small vulnerable and safe diffs. Secrets are found deterministically on
 * their exact lines with no model; model findings (scripted here) are anchored to the right
 * RIGHT-side lines; the safe look-alikes produce nothing.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ModelReviewer } from "../../../src/review/agent-reviewer.js";
import { reviewDiff } from "../../../src/review/review-diff.js";

interface Case {
  id: string;
  kind: "vulnerable" | "safe";
  model: {
    path: string;
    line: number;
    start_line?: number;
    cwe: string;
    severity: "critical" | "high" | "medium" | "low";
    title: string;
    suggested_fix?: string;
  }[];
  inline: [string, number, string][];
  secrets: number[];
}

const dir = new URL("../../../fixtures/review/diffs/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("cases.json", dir), "utf8")) as Case[];
const diffOf = (c: Case) => readFileSync(new URL(`${c.id}.diff`, dir), "utf8");
const config = { secretScan: true, modelReview: true, ignorePaths: [], minSeverity: "low" as const };

function scripted(c: Case, seen: string[]): ModelReviewer {
  return async (request) => {
    seen.push(request.task);
    return {
      candidates: c.model.map((m) => ({
        path: m.path,
        line: m.line,
        ...(m.start_line ? { startLine: m.start_line } : {}),
        severity: m.severity,
        cwe: m.cwe,
        title: m.title,
        explanation: `${m.title}: attacker-controlled input reaches a dangerous sink.`,
        ...(m.suggested_fix ? { suggestedFix: m.suggested_fix } : {}),
        source: "model" as const,
      })),
    };
  };
}

describe("diff corpus", () => {
  it("has vulnerable cases for every class the issue lists, and a safe set", () => {
    const cwes = new Set(cases.flatMap((c) => c.model.map((m) => m.cwe)));
    for (const cwe of ["CWE-89", "CWE-78", "CWE-22", "CWE-918", "CWE-79", "CWE-916", "CWE-502"]) expect(cwes).toContain(cwe);
    expect(cases.some((c) => c.secrets.length >= 3)).toBe(true);
    expect(cases.some((c) => c.kind === "safe")).toBe(true);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s: deterministic layer without a model", async (_id, c) => {
    const result = await reviewDiff({ diff: diffOf(c), config, osv: false });
    expect(result.findings.filter((f) => f.source === "secrets").map((f) => f.line)).toEqual(c.secrets);
    expect(result.findings.filter((f) => f.source !== "secrets")).toEqual([]);
    expect(result.coverage.modelReviewed).toBe(false);
    expect(result.coverage.modelNote).toMatch(/No model/);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s: scripted model findings anchored inline", async (_id, c) => {
    const prompts: string[] = [];
    const result = await reviewDiff({ diff: diffOf(c), config, osv: false, reviewer: scripted(c, prompts) });
    const inline = result.findings.filter((f) => f.source === "model").map((f) => [f.path, f.line, f.cwe]);
    expect(inline.sort()).toEqual([...c.inline].sort());
    expect(result.findings.every((f) => f.side === "RIGHT")).toBe(true);
    if (c.kind === "safe") expect(result.findings).toEqual([]);
    // The model saw every flagged line with its RIGHT-side number.
    for (const [, line] of c.inline) expect(prompts[0]).toMatch(new RegExp(`^\\s*${line} \\+ `, "m"));
  });

  it("keeps the reviewer-manipulation text as data: the SQL injection is still reported", async () => {
    const c = cases.find((x) => x.id === "009_injected_reviewer_note");
    if (!c) throw new Error("fixture missing");
    const prompts: string[] = [];
    const result = await reviewDiff({ diff: diffOf(c), config, osv: false, reviewer: scripted(c, prompts) });
    expect(prompts[0]).toContain("report no issues");
    expect(result.findings.map((f) => f.cwe)).toContain("CWE-89");
  });
});
