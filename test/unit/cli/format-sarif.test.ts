import { describe, expect, it } from "vitest";
import { buildSarifLog, formatSarif } from "../../../src/cli/format-sarif.js";
import { formatReviewReport } from "../../../src/cli/format-review-report.js";
import type { ReviewResult } from "../../../src/review/types.js";
import { validateSarif } from "../../integration/cli/validate-sarif.js";

const review: ReviewResult = {
  findings: [
    {
      path: "src/db.js", line: 12, side: "RIGHT", severity: "high", cwe: "CWE-89", title: "SQL injection",
      explanation: "User input is concatenated into the query.", suggestedFix: "db.query('SELECT * FROM u WHERE id = ?', [id])",
      source: "model", fingerprint: "abc123", ruleId: "model",
    },
    {
      path: "config/my secrets.js", startLine: 3, line: 4, side: "RIGHT", severity: "critical", cwe: "CWE-798", title: "AWS access key",
      explanation: "AKIA…(20 chars) committed.", source: "secrets", fingerprint: "def456", ruleId: "aws-access-key-id",
    },
  ],
  unanchored: [{ path: "src/app.js", severity: "low", cwe: "CWE-16", title: "Insecure default", explanation: "x", source: "model", fingerprint: "f0", reason: "line not in diff" }],
  coverage: { filesReviewed: 3, linesReviewed: 40, skipped: [{ path: "package-lock.json", reason: "lockfile" }], modelTruncated: false, modelReviewed: true },
  notes: ["OSV was unreachable"],
};

describe("formatSarif", () => {
  it("produces a log that validates against the SARIF 2.1.0 schema", () => {
    const log = JSON.parse(formatSarif(review, { toolVersion: "0.1.0" })) as unknown;
    expect(validateSarif(log)).toEqual([]);
  });

  it("also validates with no findings", () => {
    expect(validateSarif(buildSarifLog({ findings: [], unanchored: [] }, { toolVersion: "0.1.0" }))).toEqual([]);
  });

  it("keeps lines, levels, CWE tags and fingerprints", () => {
    const log = buildSarifLog(review, { toolVersion: "0.1.0" }) as { runs: [{ results: Record<string, unknown>[]; tool: { driver: { rules: Record<string, unknown>[] } } }] };
    const [sql, key, loose] = log.runs[0].results;
    expect(sql).toMatchObject({ level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "src/db.js" }, region: { startLine: 12, endLine: 12 } } }], partialFingerprints: { "issueAgent/v1": "abc123" } });
    expect(key).toMatchObject({ ruleId: "aws-access-key-id", locations: [{ physicalLocation: { artifactLocation: { uri: "config/my%20secrets.js" }, region: { startLine: 3, endLine: 4 } } }] });
    expect(loose).toMatchObject({ level: "note", properties: { unanchored: "line not in diff" } });
    expect((loose as { locations: [{ physicalLocation: object }] }).locations[0].physicalLocation).not.toHaveProperty("region");
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({ helpUri: "https://cwe.mitre.org/data/definitions/89.html", properties: { tags: ["security", "external/cwe/cwe-89"], "security-severity": "8.0" } });
  });

  it("attack check: the schema validator really rejects a broken log", () => {
    expect(validateSarif({ version: "2.1.0", runs: [{ results: [] }] }).length).toBeGreaterThan(0);
  });
});

describe("formatReviewReport", () => {
  it("lists findings worst first with path:line, then coverage and notes", () => {
    const text = formatReviewReport(review, "main");
    expect(text).toMatch(/^Security review against main: 3 findings \(1 critical, 1 high, 1 low\)/);
    expect(text.indexOf("CRITICAL config/my secrets.js:3-4")).toBeLessThan(text.indexOf("HIGH     src/db.js:12  CWE-89  SQL injection"));
    expect(text).toContain("not anchored to a changed line: line not in diff");
    expect(text).toContain("Skipped: package-lock.json (lockfile)");
    expect(text).toContain("Note: OSV was unreachable");
  });
});
