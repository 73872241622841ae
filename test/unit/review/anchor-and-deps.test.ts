import nock from "nock";
import { describe, expect, it } from "vitest";
import { anchorFindings } from "../../../src/review/anchor-findings.js";
import { buildOsvQuery, checkDependencies } from "../../../src/review/check-dependencies.js";
import { findAddedPackages } from "../../../src/review/lockfile-packages.js";
import { parseUnifiedDiff } from "../../../src/review/parse-diff.js";
import { createReportFindingTool } from "../../../src/review/report-finding-tool.js";
import type { CandidateFinding } from "../../../src/review/anchor-findings.js";

const DIFF = [
  "diff --git a/src/db.ts b/src/db.ts",
  "index 1111111..2222222 100644",
  "--- a/src/db.ts",
  "+++ b/src/db.ts",
  "@@ -10,3 +10,4 @@ export async function find(name: string) {",
  "   const db = await open();",
  "-  return db.query('SELECT * FROM users WHERE name = ?', [name]);",
  "+  const sql = `SELECT * FROM users WHERE name = '${name}'`;",
  "+  return db.query(sql);",
  " }",
  "@@ -40,2 +41,3 @@",
  " export const x = 1;",
  "+export const y = 2;",
  " export const z = 3;",
  "",
].join("\n");

const candidate = (over: Partial<CandidateFinding>): CandidateFinding => ({
  path: "src/db.ts",
  line: 11,
  severity: "high",
  cwe: "CWE-89",
  title: "SQL injection",
  explanation: "name is interpolated into SQL",
  source: "model",
  ...over,
});

describe("anchoring", () => {
  const files = parseUnifiedDiff(DIFF);

  it("keeps RIGHT-side lines of the diff, ranges inside one hunk, and their suggestion", () => {
    const { anchored, unanchored } = anchorFindings(
      [candidate({ startLine: 11, line: 12, suggestedFix: "  return db.query('SELECT * FROM users WHERE name = ?', [name]);" })],
      files,
    );
    expect(unanchored).toEqual([]);
    expect(anchored[0]).toMatchObject({ path: "src/db.ts", startLine: 11, line: 12, side: "RIGHT" });
    expect(anchored[0]?.suggestedFix).toContain("?");
  });

  it("an unanchored finding keeps a start line only when it makes a range (the model's 9..3 does not)", () => {
    const { unanchored } = anchorFindings(
      [candidate({ startLine: 9, line: 3 }), candidate({ startLine: 20, line: 25 }), candidate({ startLine: 0, line: 30 })],
      files,
    );
    expect(unanchored.map((u) => [u.startLine, u.line])).toEqual([
      [undefined, 3],
      [20, 25],
      [undefined, 30],
    ]);
  });

  it("rejects lines outside the diff, unchanged files and ranges across hunks", () => {
    const { anchored, unanchored } = anchorFindings(
      [candidate({ line: 25 }), candidate({ path: "src/other.ts" }), candidate({ line: 9 }), candidate({ startLine: 12, line: 42, suggestedFix: "x" })],
      files,
    );
    expect(unanchored.map((u) => u.reason)).toEqual([
      "line 25 of src/db.ts is not part of the diff",
      "src/other.ts is not changed by this pull request",
      "line 9 of src/db.ts is not part of the diff",
    ]);
    expect(unanchored.every((u) => u.startLine === undefined)).toBe(true);
    // The range is dropped, and with it the suggestion meant for the range.
    expect(anchored).toHaveLength(1);
    expect(anchored[0]?.startLine).toBeUndefined();
    expect(anchored[0]?.suggestedFix).toBeUndefined();
    expect(anchored[0]?.line).toBe(42);
  });

  it("validates report_finding arguments with zod and tells the model what is wrong", async () => {
    const sink: CandidateFinding[] = [];
    const tool = createReportFindingTool(sink);
    const bad = await tool.handle({ path: "a.ts", line: 0, severity: "urgent", cwe: "89", title: "x", explanation: "short" }, { workspaceDir: "/tmp" });
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/line|severity|cwe/);
    const good = await tool.handle(
      JSON.stringify({ path: "src/db.ts", line: 11, severity: "high", cwe: "CWE-89", title: "SQL injection", explanation: "user input reaches the query" }),
      { workspaceDir: "/tmp" },
    );
    expect(good.ok).toBe(true);
    expect(sink).toHaveLength(1);
  });

  it("report_finding normalises CWE spellings and records a finding without a CWE instead of refusing it", async () => {
    const sink: CandidateFinding[] = [];
    const tool = createReportFindingTool(sink);
    const base = { path: "src/db.ts", line: 11, severity: "high", title: "SQL injection", explanation: "user input reaches the query" };
    for (const cwe of ["CWE89", "89", "cwe-89", "CWE-089", "CWE 89", "CWE_89", "CWE-89: SQL Injection", 89]) {
      const r = await tool.handle({ ...base, cwe }, { workspaceDir: "/tmp" });
      expect(r, String(cwe)).toEqual({ ok: true, output: `Recorded finding #${sink.length} as CWE-89.` });
    }
    expect(sink.map((f) => f.cwe)).toEqual(Array(8).fill("CWE-89"));
    const none = await tool.handle({ ...base }, { workspaceDir: "/tmp" });
    expect(none).toEqual({ ok: true, output: "Recorded finding #9 without a CWE." });
    const nullCwe = await tool.handle({ ...base, cwe: null }, { workspaceDir: "/tmp" });
    expect(nullCwe.ok).toBe(true);
    const words = await tool.handle({ ...base, cwe: "SQL injection" }, { workspaceDir: "/tmp" });
    expect(words.output).toMatch(/^Recorded finding #11 without a CWE: 'SQL injection' names no CWE number/);
    expect(sink.slice(8).map((f) => f.cwe)).toEqual(["no CWE", "no CWE", "no CWE"]);
    // A finding without a CWE reaches the review like any other.
    const { anchored } = anchorFindings([sink[8]!], files);
    expect(anchored[0]).toMatchObject({ cwe: "no CWE", line: 11 });
  });
});

const LOCKS = [
  "diff --git a/package-lock.json b/package-lock.json",
  "--- a/package-lock.json",
  "+++ b/package-lock.json",
  "@@ -20,7 +20,7 @@",
  '     "node_modules/lodash": {',
  '-      "version": "4.17.21",',
  '+      "version": "4.17.20",',
  '       "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz",',
  "diff --git a/requirements.txt b/requirements.txt",
  "--- a/requirements.txt",
  "+++ b/requirements.txt",
  "@@ -1,1 +1,2 @@",
  " flask==3.0.0",
  "+PyYAML==5.3",
  "diff --git a/go.sum b/go.sum",
  "--- a/go.sum",
  "+++ b/go.sum",
  "@@ -1,0 +1,2 @@",
  "+golang.org/x/net v0.7.0 h1:abc=",
  "+golang.org/x/net v0.7.0/go.mod h1:def=",
  "diff --git a/Gemfile.lock b/Gemfile.lock",
  "--- a/Gemfile.lock",
  "+++ b/Gemfile.lock",
  "@@ -3,2 +3,3 @@",
  "   specs:",
  "+    nokogiri (1.13.0-x86_64-linux)",
  "     rack (2.2.3)",
  "diff --git a/yarn.lock b/yarn.lock",
  "--- a/yarn.lock",
  "+++ b/yarn.lock",
  "@@ -1,0 +1,3 @@",
  '+"@babel/traverse@^7.0.0":',
  '+  version "7.22.0"',
  '+  resolved "https://registry.yarnpkg.com/x"',
  "",
].join("\n");

describe("dependency check", () => {
  const packages = findAddedPackages(parseUnifiedDiff(LOCKS));

  it("reads added versions from lockfiles and manifests with their lines", () => {
    expect(packages.map((p) => [p.ecosystem, p.name, p.version, p.path, p.line])).toEqual([
      ["npm", "lodash", "4.17.20", "package-lock.json", 21],
      ["PyPI", "PyYAML", "5.3", "requirements.txt", 2],
      ["Go", "golang.org/x/net", "0.7.0", "go.sum", 1],
      ["RubyGems", "nokogiri", "1.13.0", "Gemfile.lock", 4],
      ["npm", "@babel/traverse", "7.22.0", "yarn.lock", 2],
    ]);
  });

  it("builds the querybatch OSV expects and turns its answer into findings with ids and fixed versions", async () => {
    const osv = nock("https://osv.test")
      .post("/v1/querybatch", (body: unknown) => JSON.stringify(body) === JSON.stringify(buildOsvQuery(packages)))
      .reply(200, { results: [{ vulns: [{ id: "GHSA-p6mc-m468-83gw", modified: "2024-01-01T00:00:00Z" }] }, {}, {}, {}, {}] })
      .get("/v1/vulns/GHSA-p6mc-m468-83gw")
      .reply(200, {
        id: "GHSA-p6mc-m468-83gw",
        summary: "Prototype Pollution in lodash",
        aliases: ["CVE-2020-8203"],
        database_specific: { severity: "HIGH", cwe_ids: ["CWE-1321"] },
        affected: [
          {
            package: { name: "lodash", ecosystem: "npm" },
            ranges: [
              { type: "SEMVER", events: [{ introduced: "0" }, { fixed: "4.17.19" }] },
              { type: "SEMVER", events: [{ introduced: "4.17.20" }, { fixed: "4.17.21" }] },
            ],
          },
        ],
      });
    const result = await checkDependencies(packages, { baseUrl: "https://osv.test" });
    expect(osv.isDone()).toBe(true);
    expect(result.notes).toEqual([]);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ path: "package-lock.json", line: 21, severity: "high", cwe: "CWE-1321", source: "dependencies" });
    expect(result.findings[0]?.explanation).toContain("GHSA-p6mc-m468-83gw (CVE-2020-8203)");
    expect(result.findings[0]?.explanation).toContain("4.17.21");
  });

  it("degrades to a note when OSV is down", async () => {
    nock("https://osv.test").post("/v1/querybatch").reply(503, "unavailable");
    const result = await checkDependencies(packages, { baseUrl: "https://osv.test" });
    expect(result.findings).toEqual([]);
    expect(result.notes[0]).toMatch(/OSV could not be reached.*HTTP 503.*5 added package/);
    nock("https://osv.test").post("/v1/querybatch").replyWithError("ECONNRESET");
    const again = await checkDependencies(packages, { baseUrl: "https://osv.test" });
    expect(again.notes[0]).toMatch(/OSV could not be reached/);
  });
});
