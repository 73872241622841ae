import { describe, expect, it } from "vitest";
import {
  buildSarifLog,
  formatSarif,
  repositoryUriOf,
  sarifAutomationId,
  sarifOptionsForCheckout,
  type SarifOptions,
  type SarifRule,
} from "../../../src/review/format-sarif.js";
import { formatReviewReport } from "../../../src/cli/format-review-report.js";
import { sarifOptionsForPr } from "../../../src/tasks/security-review.js";
import type { Finding, ReviewResult, UnanchoredFinding } from "../../../src/review/types.js";
import { errorsAndWarnings, validateWithMultitool } from "../../helpers/sarif-multitool.js";
import { validateSarif } from "../../integration/cli/validate-sarif.js";

const review: ReviewResult = {
  findings: [
    {
      path: "src/db.js",
      line: 12,
      side: "RIGHT",
      severity: "high",
      cwe: "CWE-89",
      title: "SQL injection",
      explanation: "User input is concatenated into the query.",
      suggestedFix: "db.query('SELECT * FROM u WHERE id = ?', [id])",
      source: "model",
      fingerprint: "abc123",
    },
    {
      path: "config/my secrets.js",
      startLine: 3,
      line: 4,
      side: "RIGHT",
      severity: "critical",
      cwe: "CWE-798",
      title: "AWS access key ID committed",
      explanation: "AKIA…(20 chars) committed.",
      source: "secrets",
      fingerprint: "def456",
      ruleId: "aws-access-key-id",
    },
  ],
  unanchored: [
    {
      path: "src/app.js",
      severity: "low",
      cwe: "CWE-16",
      title: "Insecure default",
      explanation: "x",
      source: "model",
      fingerprint: "f0",
      reason: "line not in diff",
      line: 30,
    },
  ],
  coverage: { filesReviewed: 3, linesReviewed: 40, skipped: [{ path: "package-lock.json", reason: "lockfile" }], modelTruncated: false, modelReviewed: true },
  notes: ["OSV was unreachable"],
};

const PR: SarifOptions = {
  automationId: "issue-agent/security-review/pr-5",
  versionControl: { repositoryUri: "https://github.com/octo/app", revisionId: "a".repeat(40), branch: "feature" },
};

const f = (over: Partial<Finding>): Finding => ({
  path: "src/x.js",
  line: 5,
  side: "RIGHT",
  severity: "medium",
  cwe: "CWE-79",
  title: "A finding",
  explanation: "Why it matters.",
  source: "model",
  fingerprint: `fp-${Math.random()}`,
  ...over,
});
const u = (over: Partial<UnanchoredFinding>): UnanchoredFinding => ({
  path: "src/y.js",
  line: 9,
  severity: "low",
  cwe: "CWE-20",
  title: "Elsewhere",
  explanation: "Outside the diff.",
  source: "model",
  fingerprint: `fp-${Math.random()}`,
  reason: "line 9 of src/y.js is not part of the diff",
  ...over,
});

/** Every kind of finding the review produces, and the shapes that used to break the log. */
const EVERY_KIND: Pick<ReviewResult, "findings" | "unanchored"> = {
  findings: [
    f({ cwe: "CWE-89", severity: "high", title: "SQL injection" }),
    f({ cwe: "CWE-89", severity: "low", title: "SQL built from a constant table name", path: "src/report.js" }),
    f({ cwe: "no CWE", severity: "medium", title: "Unclassified problem" }),
    f({ cwe: "CWE-4242", severity: "medium", title: "A CWE the catalogue does not list" }),
    f({
      source: "secrets",
      ruleId: "aws-access-key-id",
      cwe: "CWE-798",
      severity: "critical",
      title: "AWS access key ID committed",
      startLine: 3,
      line: 4,
      path: "config/my secrets.js",
    }),
    f({ source: "secrets", ruleId: "secretlint/privatekey", cwe: "CWE-798", severity: "critical", title: "Private key committed" }),
    f({ source: "secrets", ruleId: "generic-high-entropy", cwe: "CWE-798", severity: "high", title: "Hard-coded secret (high-entropy value) committed" }),
    f({
      source: "hidden-text",
      ruleId: "hidden-bidi",
      cwe: "CWE-451",
      severity: "high",
      title: "Bidirectional control character (Trojan Source)",
      suggestedFix: "const ok = true;",
    }),
    f({
      source: "dependencies",
      ruleId: "osv",
      cwe: "CWE-1321",
      severity: "medium",
      title: "lodash 4.17.20 has a known vulnerability",
      path: "package-lock.json",
      line: 21,
    }),
    f({ path: "weird/ünïcode path #1.js", title: "Path that needs encoding" }),
  ],
  unanchored: [
    // The case: a model range 9..3 that nothing checked.
    u({ startLine: 9, line: 3 }),
    u({ startLine: 2, line: 7, cwe: "CWE-862", severity: "medium", title: "Missing authorization" }),
    u({ path: "src/other.js", reason: "src/other.js is not changed by this pull request", cwe: "no CWE" }),
  ],
};

type Log = {
  runs: [
    {
      tool: { driver: { name: string; version: string; fullName: string; informationUri: string; rules: SarifRule[] } };
      automationDetails: { id: string };
      versionControlProvenance?: unknown[];
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: [{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; endLine: number } } }];
        properties: Record<string, string>;
      }[];
    },
  ];
};
const build = (r: Pick<ReviewResult, "findings" | "unanchored">, o: SarifOptions = PR) => buildSarifLog(r, o) as unknown as Log;

describe("formatSarif", () => {
  it("produces a log that validates against the SARIF 2.1.0 schema", () => {
    const log = JSON.parse(formatSarif(review, PR)) as unknown;
    expect(validateSarif(log)).toEqual([]);
  });

  it("also validates with no findings", () => {
    expect(validateSarif(buildSarifLog({ findings: [], unanchored: [] }, PR))).toEqual([]);
  });

  it("keeps lines, levels, CWE tags and fingerprints", () => {
    const log = build(review);
    const [sql, key, loose] = log.runs[0].results;
    expect(sql).toMatchObject({
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: "src/db.js" }, region: { startLine: 12, endLine: 12 } } }],
      partialFingerprints: { "issueAgent/v1": "abc123" },
    });
    expect(key).toMatchObject({
      ruleId: "aws-access-key-id",
      locations: [{ physicalLocation: { artifactLocation: { uri: "config/my%20secrets.js" }, region: { startLine: 3, endLine: 4 } } }],
    });
    expect(loose).toMatchObject({
      level: "note",
      properties: { unanchored: "line not in diff" },
      locations: [{ physicalLocation: { region: { startLine: 30, endLine: 30 } } }],
    });
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({
      id: "CWE-89",
      helpUri: "https://cwe.mitre.org/data/definitions/89.html",
      properties: { tags: ["security", "CWE-89", "external/cwe/cwe-89"], "security-severity": "8.0" },
    });
  });

  it("regions are always valid: a start line only when it opens a range up to the line", () => {
    const log = build(EVERY_KIND);
    for (const r of log.runs[0].results) {
      const region = r.locations[0].physicalLocation.region;
      if (!region) continue;
      expect(Number.isInteger(region.startLine) && region.startLine >= 1).toBe(true);
      expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
    }
    const regions = log.runs[0].results.slice(-3).map((r) => r.locations[0].physicalLocation.region);
    expect(regions).toEqual([
      { startLine: 3, endLine: 3 },
      { startLine: 2, endLine: 7 },
      { startLine: 9, endLine: 9 },
    ]);
    // Without a usable line there is no region at all (never a made-up one).
    const lineless = build({ findings: [], unanchored: [u({ line: undefined, startLine: 4 })] });
    expect(lineless.runs[0].results[0]!.locations[0].physicalLocation).not.toHaveProperty("region");
  });

  it("every rule has a human name, both descriptions, help as text and markdown, a help URI, tags and a precision", () => {
    const rules = build(EVERY_KIND).runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      "CWE-89",
      "model/no-cwe",
      "CWE-4242",
      "aws-access-key-id",
      "secretlint/privatekey",
      "generic-high-entropy",
      "hidden-bidi",
      "osv",
      "CWE-79",
      "CWE-20",
      "CWE-862",
    ]);
    for (const r of rules) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(r.name).not.toBe(r.id);
      expect(r.shortDescription.text).toMatch(/\S.*\.$/);
      expect(r.fullDescription.text).toMatch(/\S.*\.$/);
      expect(r.help.text.length).toBeGreaterThan(20);
      expect(r.help.markdown).toMatch(/^\*\*.+\*\*\n\n/);
      expect(URL.canParse(r.helpUri)).toBe(true);
      expect(r.properties.tags[0]).toBe("security");
      expect(["very-high", "high", "medium", "low"]).toContain(r.properties.precision);
      expect(r.properties["security-severity"]).toMatch(/^\d+\.\d$/);
    }
    expect(rules.find((r) => r.id === "CWE-89")).toMatchObject({ name: "SqlInjection", shortDescription: { text: "SQL injection (CWE-89)." } });
    expect(rules.find((r) => r.id === "model/no-cwe")).toMatchObject({ properties: { tags: ["security"] } });
    expect(rules.find((r) => r.id === "osv")?.properties.tags).toEqual(["security", "dependency", "CWE-1395", "external/cwe/cwe-1395"]);
  });

  it("a CWE's rule takes its severity from the CWE, not from the first finding; a result that differs says so itself", () => {
    const lowFirst: Pick<ReviewResult, "findings" | "unanchored"> = {
      findings: [f({ cwe: "CWE-89", severity: "low" }), f({ cwe: "CWE-89", severity: "high" })],
      unanchored: [],
    };
    const log = build(lowFirst);
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({
      id: "CWE-89",
      defaultConfiguration: { level: "error" },
      properties: { "security-severity": "8.0" },
    });
    const [low, high] = log.runs[0].results;
    expect(low).toMatchObject({ level: "note", properties: { severity: "low", "security-severity": "3.0" } });
    expect(high!.properties).not.toHaveProperty("security-severity");
    // Order does not matter.
    expect(build({ findings: [...lowFirst.findings].reverse(), unanchored: [] }).runs[0].tool.driver.rules).toEqual(log.runs[0].tool.driver.rules);
  });

  it("a placeholder-tier secret has a rule of its own, so a real finding of the same format keeps its level", () => {
    const secret = (over: Partial<Finding>) => f({ source: "secrets", ruleId: "stripe-live-key", cwe: "CWE-798", ...over });
    const log = build({
      findings: [
        secret({ severity: "low", placeholder: true, title: "Stripe live secret key committed (looks like a placeholder)" }),
        secret({ severity: "critical", title: "Stripe live secret key committed" }),
      ],
      unanchored: [],
    });
    const rules = log.runs[0].tool.driver.rules as unknown as { id: string; defaultConfiguration: { level: string }; properties: { precision: string } }[];
    expect(rules.map((r) => [r.id, r.defaultConfiguration.level, r.properties.precision])).toEqual([
      ["stripe-live-key/placeholder", "note", "low"],
      ["stripe-live-key", "error", "high"],
    ]);
    expect(log.runs[0].results.map((r) => [r.ruleId, r.level])).toEqual([
      ["stripe-live-key/placeholder", "note"],
      ["stripe-live-key", "error"],
    ]);
  });

  it("a finding without a CWE is reported as such", () => {
    const log = build({ findings: [f({ cwe: "no CWE", title: "Odd thing" })], unanchored: [] });
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: "model/no-cwe",
      message: { text: expect.stringMatching(/^Odd thing \(medium, no CWE\)\./) },
      properties: { cwe: "no CWE" },
    });
  });

  it("names the tool with the package's version and home page, and the run with a stable id and the commit", async () => {
    const { readFile } = await import("node:fs/promises");
    const manifest = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string; homepage: string };
    const run = build(review).runs[0];
    expect(run.tool.driver).toMatchObject({
      name: "issue-agent",
      version: manifest.version,
      fullName: `issue-agent security review ${manifest.version}`,
      informationUri: manifest.homepage,
    });
    expect(run.automationDetails).toEqual({ id: "issue-agent/security-review/pr-5" });
    expect(run.versionControlProvenance).toEqual([
      { repositoryUri: "https://github.com/octo/app", revisionId: "a".repeat(40), branch: "feature", mappedTo: { uriBaseId: "%SRCROOT%" } },
    ]);
    expect(buildSarifLog(review, { automationId: "x" })).not.toHaveProperty("runs.0.versionControlProvenance");
  });

  it("automation ids are stable per PR and per branch, one category for all", () => {
    expect(sarifAutomationId({ pr: 42 })).toBe("issue-agent/security-review/pr-42");
    expect(sarifAutomationId({ branch: "feature/login form" })).toBe("issue-agent/security-review/branch-feature-login-form");
    expect(sarifAutomationId({ branch: "///" })).toBe("issue-agent/security-review/branch-detached");
    for (const id of [sarifAutomationId({ pr: 1 }), sarifAutomationId({ branch: "a/b/c" })])
      expect(id.slice(0, id.lastIndexOf("/") + 1)).toBe("issue-agent/security-review/");
  });

  it("the app's options: id per PR, the base repository on github.com or GHE, a branch only when it is the base repository's", () => {
    const p = { owner: "octo", repo: "app", prNumber: 7 };
    expect(sarifOptionsForPr(p, { headSha: "b".repeat(40), headRef: "feature", headRepoFullName: "Octo/App" })).toEqual({
      automationId: "issue-agent/security-review/pr-7",
      versionControl: { repositoryUri: "https://github.com/octo/app", revisionId: "b".repeat(40), branch: "feature" },
    });
    expect(
      sarifOptionsForPr(
        p,
        { headSha: "b".repeat(40), headRef: "main", headRepoFullName: "mallory/app" },
        { GHE_HOST: "git.example.com", GHE_PROTOCOL: "https" },
      ),
    ).toEqual({
      automationId: "issue-agent/security-review/pr-7",
      versionControl: { repositoryUri: "https://git.example.com/octo/app", revisionId: "b".repeat(40) },
    });
  });

  it("turns git remotes into repository URIs without credentials", () => {
    expect(repositoryUriOf("git@github.com:octo/app.git")).toBe("https://github.com/octo/app");
    expect(repositoryUriOf("https://x-access-token:ghs_secret@github.com/octo/app.git")).toBe("https://github.com/octo/app");
    expect(repositoryUriOf("ssh://git@gitlab.example.com:2222/group/sub/app.git/")).toBe("https://gitlab.example.com/group/sub/app");
    expect(repositoryUriOf("/srv/git/app.git")).toBeUndefined();
    expect(repositoryUriOf("file:///srv/git/app.git")).toBeUndefined();
    expect(repositoryUriOf(null)).toBeUndefined();
    expect(sarifOptionsForCheckout({ commit: "c".repeat(40), branch: "feature", remoteUrl: "git@github.com:octo/app.git" })).toEqual({
      automationId: "issue-agent/security-review/branch-feature",
      versionControl: { repositoryUri: "https://github.com/octo/app", revisionId: "c".repeat(40), branch: "feature" },
    });
    expect(sarifOptionsForCheckout({ commit: null, branch: null, remoteUrl: null })).toEqual({ automationId: "issue-agent/security-review/branch-detached" });
  });

  it("attack check: the schema validator really rejects a broken log", () => {
    expect(validateSarif({ version: "2.1.0", runs: [{ results: [] }] }).length).toBeGreaterThan(0);
  });
});

describe("formatSarif under Microsoft's SARIF validator (SARIF and GitHub rules)", () => {
  it("every kind of finding, no finding, and a checkout without a remote: zero errors, zero warnings, zero notes", async () => {
    const logs = {
      everyKind: buildSarifLog(EVERY_KIND, PR),
      sample: buildSarifLog(review, PR),
      empty: buildSarifLog({ findings: [], unanchored: [] }, PR),
      noRemote: buildSarifLog(EVERY_KIND, sarifOptionsForCheckout({ commit: "c".repeat(40), branch: "main", remoteUrl: null })),
    };
    for (const log of Object.values(logs)) expect(validateSarif(log)).toEqual([]);
    const findings = await validateWithMultitool(logs, "Sarif;Gh");
    expect(findings.map((x) => `${x.log}: ${x.level} ${x.ruleId}: ${x.message}`)).toEqual([]);
  });

  it("the Azure DevOps rules ask only for pipeline identity an upload to GitHub cannot have", async () => {
    const findings = await validateWithMultitool({ sample: buildSarifLog(review, PR) }, "Ado");
    // GHAzDO1019/1020: automationDetails must carry an Azure DevOps build definition and phase and an
    // 'azuredevops/pipeline/build/...' id. Everything else GHAzDO checks (automationDetails present,
    // driver fullName, ...) passes.
    expect([...new Set(findings.map((x) => x.ruleId))].sort()).toEqual(["GHAzDO1019", "GHAzDO1020"]);
  });

  it("attack check: the validator reports what this formatter used to write (name = id, no help, end before start)", async () => {
    const old = {
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "issue-agent",
              version: "0.1.0",
              rules: [
                {
                  id: "CWE-89",
                  name: "CWE-89",
                  shortDescription: { text: "CWE-89: SQL injection" },
                  properties: { tags: ["security"], "security-severity": "8.0" },
                },
              ],
            },
          },
          results: [
            {
              ruleId: "CWE-89",
              ruleIndex: 0,
              level: "note",
              message: { text: "x" },
              locations: [{ physicalLocation: { artifactLocation: { uri: "src/a.js" }, region: { startLine: 9, endLine: 3 } } }],
            },
          ],
        },
      ],
    };
    const problems = errorsAndWarnings(await validateWithMultitool({ old }, "Sarif;Gh"));
    expect(problems.join("\n")).toMatch(/SARIF1007.*'endLine' property '3' is less than the 'startLine' property '9'/);
    expect(problems.join("\n")).toMatch(/SARIF1001.*'name' property that is identical to its 'id'/);
    expect(problems.join("\n")).toMatch(/GH2012.*'fullDescription'/);
    expect(problems.join("\n")).toMatch(/GH2012.*'help'/);
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
