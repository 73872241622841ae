/**
 * The model half for real: runAgent against the scripted OpenAI-compatible server, in the real
 * read-only bubblewrap sandbox, with report_finding as the only way to report. The finding the
 * model reports comes out anchored on the RIGHT-side line; one outside the diff goes to the summary.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/index.js";
import { createAgentReviewer } from "../../../src/review/agent-reviewer.js";
import { reviewDiff } from "../../../src/review/review-diff.js";
import { createSandbox } from "../../../src/sandbox/index.js";
import { startFakeModel, type FakeModel, type FakeScript } from "../../helpers/fake-model.js";

const DIFF = [
  "diff --git a/src/report.ts b/src/report.ts",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/src/report.ts",
  "@@ -0,0 +1,3 @@",
  "+export async function report(db: Db, id: string) {",
  "+  return db.query(`SELECT * FROM reports WHERE id = ${id}`);",
  "+}",
  "",
].join("\n");

const SCRIPT: FakeScript = [
  { toolCalls: [{ name: "read_file", arguments: { file_path: "src/report.ts" } }] },
  {
    toolCalls: [
      {
        name: "report_finding",
        arguments: {
          path: "src/report.ts",
          line: 2,
          severity: "high",
          cwe: "CWE-89",
          title: "SQL injection in report()",
          explanation: "id is interpolated into the SQL string.",
          suggested_fix: "  return db.query('SELECT * FROM reports WHERE id = $1', [id]);",
        },
      },
      {
        name: "report_finding",
        arguments: {
          path: "src/db.ts",
          line: 99,
          severity: "medium",
          cwe: "CWE-862",
          title: "Missing authorization",
          explanation: "report() has no caller check anywhere.",
        },
      },
      {
        name: "report_finding",
        arguments: { path: "src/report.ts", line: 2, severity: "urgent", cwe: "89", title: "bad", explanation: "invalid arguments" },
      },
    ],
  },
  { text: "One SQL injection found." },
];

describe.each(["responses", "chat"] as const)("agent reviewer (%s): a read, three reported findings (one outside the diff, one invalid)", (wireApi) => {
  let model: FakeModel;
  let dir: string;
  let result: Awaited<ReturnType<typeof reviewDiff>>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "review-agent-"));
    await mkdir(path.join(dir, "src"));
    await writeFile(
      path.join(dir, "src/report.ts"),
      "export async function report(db: Db, id: string) {\n  return db.query(`SELECT * FROM reports WHERE id = ${id}`);\n}\n",
    );
    model = await startFakeModel({ script: SCRIPT });
    const reviewer = createAgentReviewer({
      runAgent,
      workspaceDir: dir,
      sandbox: createSandbox({ mode: "read-only", workspaceDir: dir, network: "off" }),
      model: { name: "gpt-5", wireApi, baseURL: model.baseURL, apiKey: "sk-test" },
      limits: { maxTurns: 10, maxMinutes: 2, maxTokens: 1_000_000, maxUsd: 5 },
      compaction: { strategy: "semantic", threshold: 0.8 },
    });
    result = await reviewDiff({ diff: DIFF, config: { secretScan: true, modelReview: true, ignorePaths: [], minSeverity: "low" }, osv: false, reviewer });
  });
  afterAll(async () => {
    await model?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("anchors the finding reported through report_finding on its RIGHT-side line, with the suggested fix", () => {
    expect(result.findings.map((f) => [f.path, f.line, f.side, f.cwe, f.source])).toEqual([["src/report.ts", 2, "RIGHT", "CWE-89", "model"]]);
    expect(result.findings[0]?.suggestedFix).toContain("$1");
  });

  it("moves a finding on a file the PR does not change to the summary, saying why", () => {
    expect(result.unanchored.map((u) => [u.path, u.reason])).toEqual([["src/db.ts", "src/db.ts is not changed by this pull request"]]);
  });

  it("reports what the model reviewed", () => {
    expect(result.coverage).toMatchObject({ modelReviewed: true, filesReviewed: 1, linesReviewed: 3 });
  });

  it("offers the model read-only tools and report_finding, never apply_patch or shell", () => {
    const toolNames = JSON.stringify(model.turnRequests()[0]?.body.tools);
    expect(toolNames).toContain("report_finding");
    expect(toolNames).not.toContain("apply_patch");
    expect(toolNames).not.toContain('"shell"');
  });

  it("returns an invalid finding to the model as a tool error", () => {
    expect(JSON.stringify(model.turnRequests()[2]?.body)).toMatch(/Invalid finding/);
  });
});
