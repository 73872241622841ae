/**
 * `issue-agent review` on a real git checkout: a feature branch that leaks a key is reported with
 * the exact line, as text and as SARIF 2.1.0 that validates against the official schema.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { startFakeModel } from "../../helpers/fake-model.js";
import { captureIo, checkoutFixture, git } from "./cli-harness.js";
import { validateWithMultitool } from "../../helpers/sarif-multitool.js";
import { validateSarif } from "./validate-sarif.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// Built at run time so no credential-shaped literal sits in the repository.
const FAKE_AWS_KEY = ["AKIA", "Q4NXPEJ7R2KLMW3T"].join("");

async function featureBranch(): Promise<string> {
  const { dir, cleanup } = await checkoutFixture("cli-review");
  cleanups.push(cleanup);
  git(dir, "checkout", "-q", "-b", "feature");
  await mkdir(path.join(dir, "src"), { recursive: true });
  await writeFile(
    path.join(dir, "src/config.js"),
    ["// Deployment settings.", 'export const region = "eu-west-1";', `export const awsAccessKeyId = "${FAKE_AWS_KEY}";`, ""].join("\n"),
  );
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "add config");
  return dir;
}

describe("issue-agent review", () => {
  it("prints the leaked key with its file and line, masked", async () => {
    const dir = await featureBranch();
    const io = captureIo({ env: {} });
    const code = await main(["review", "--repo", dir, "--no-model"], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toMatch(/Security review against main: [1-9]\d* findings?/);
    expect(io.out()).toMatch(/(CRITICAL|HIGH)\s+src\/config\.js:3\s+CWE-798/);
    expect(io.out()).not.toContain(FAKE_AWS_KEY);
  });

  it("--fail-on: exit 5 when a finding is at or above the severity, 0 when none is", async () => {
    const dir = await featureBranch();
    const failing = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--no-model", "--fail-on", "high"], failing)).toBe(5);
    expect(failing.err()).toMatch(/at or above --fail-on high: exit 5/);
    const { dir: clean, cleanup } = await checkoutFixture("cli-review");
    cleanups.push(cleanup);
    git(clean, "checkout", "-q", "-b", "feature");
    await writeFile(path.join(clean, "NOTES.md"), "just notes\n");
    git(clean, "add", "-A");
    git(clean, "commit", "-q", "-m", "notes");
    expect(await main(["review", "--repo", clean, "--no-model", "--fail-on", "low"], captureIo({ env: {} }))).toBe(0);
    const bad = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--fail-on", "severe"], bad)).toBe(2);
    expect(bad.err()).toMatch(/--fail-on must be one of critical, high, medium, low/);
  });

  it("shows a spinner on a terminal while the review runs, and erases it before the report", async () => {
    const dir = await featureBranch();
    const model = await startFakeModel({ script: [{ delayMs: 400, text: "No findings." }] });
    cleanups.push(() => model.close());
    const io = captureIo({ env: { OPENAI_API_KEY: "sk-test-spinner-0123456789abcdef", OPENAI_BASE_URL: model.baseURL }, stderrTty: true });
    expect(await main(["review", "--repo", dir, "--wire", "chat"], io)).toBe(0);
    expect(io.err()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] reviewing the diff against main with /);
    expect(io.err().endsWith("\r\x1b[K")).toBe(true);
  });

  it("--sarif emits a valid SARIF 2.1.0 log with the finding's region", async () => {
    const dir = await featureBranch();
    const io = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--base", "main", "--no-model", "--sarif"], io)).toBe(0);
    const log = JSON.parse(io.out()) as {
      version: string;
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(validateSarif(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    const locations = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation);
    expect(locations).toContainEqual(
      expect.objectContaining({ artifactLocation: expect.objectContaining({ uri: "src/config.js" }), region: expect.objectContaining({ startLine: 3 }) }),
    );
    expect(io.out()).not.toContain(FAKE_AWS_KEY);
  });

  it("--sarif output passes Microsoft's SARIF validator with its GitHub rules: zero errors, zero warnings (with and without a remote, with model findings)", async () => {
    // 1. Deterministic findings on a branch of a checkout whose origin is a GitHub repository.
    const dir = await featureBranch();
    git(dir, "remote", "add", "origin", "https://x-access-token:not-a-token@github.com/octo/app.git");
    const withRemote = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--base", "main", "--no-model", "--sarif"], withRemote)).toBe(0);
    const head = git(dir, "rev-parse", "HEAD").trim();
    const log = JSON.parse(withRemote.out()) as {
      runs: [{ automationDetails: unknown; versionControlProvenance: unknown; tool: { driver: { version: string } } }];
    };
    expect(log.runs[0].automationDetails).toEqual({ id: "issue-agent/security-review/branch-feature" });
    expect(log.runs[0].versionControlProvenance).toEqual([
      { repositoryUri: "https://github.com/octo/app", revisionId: head, branch: "feature", mappedTo: { uriBaseId: "%SRCROOT%" } },
    ]);
    expect(withRemote.out()).not.toContain("not-a-token");

    // 2. Model findings (one without a CWE, one off the diff with a backwards range), no remote.
    const { dir: plain, cleanup } = await checkoutFixture("cli-review");
    cleanups.push(cleanup);
    git(plain, "checkout", "-q", "-b", "feature/model");
    await writeFile(
      path.join(plain, "src/db.js"),
      [
        "// Base version: parameterised query.",
        "export function findUser(db, id) {",
        '  return db.query("SELECT * FROM users WHERE id = " + id);',
        "}",
        "",
      ].join("\n"),
    );
    const model = await startFakeModel({
      script: [
        {
          toolCalls: [
            {
              name: "report_finding",
              arguments: {
                path: "src/db.js",
                line: 3,
                severity: "low",
                cwe: "CWE89",
                title: "SQL injection in findUser",
                explanation: "id is concatenated into the SQL text; pass it as a parameter instead.",
              },
            },
            {
              name: "report_finding",
              arguments: {
                path: "src/db.js",
                line: 2,
                severity: "medium",
                title: "Unvalidated identifier",
                explanation: "id reaches the query without any validation at all.",
              },
            },
            {
              name: "report_finding",
              arguments: {
                path: "src/db.js",
                start_line: 9,
                line: 1,
                severity: "high",
                cwe: "cwe-089",
                title: "Another injection",
                explanation: "A range the model got backwards, outside the diff.",
              },
            },
          ],
        },
        { text: "Title: Review done\n\nThree findings." },
      ],
    });
    cleanups.push(() => model.close());
    const withModel = captureIo({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "sk-test-cli-0123456789abcdef" } });
    expect(await main(["review", "--repo", plain, "--wire", "chat", "--sarif"], withModel)).toBe(0);
    const modelLog = JSON.parse(withModel.out()) as { runs: [{ results: { ruleId: string; locations: [{ physicalLocation: { region?: object } }] }[] }] };
    expect(modelLog.runs[0].results.map((r) => r.ruleId).sort()).toEqual(["CWE-89", "CWE-89", "model/no-cwe"]);
    expect(modelLog.runs[0].results.map((r) => r.locations[0].physicalLocation.region)).toContainEqual({ startLine: 1, endLine: 1 });

    for (const l of [log, modelLog]) expect(validateSarif(l)).toEqual([]);
    const findings = await validateWithMultitool({ cliWithRemote: withRemote.out(), cliModelNoRemote: withModel.out() }, "Sarif;Gh");
    expect(findings.map((x) => `${x.log}: ${x.level} ${x.ruleId}: ${x.message}`)).toEqual([]);
  });

  it("reports no findings for a clean branch, and refuses an unknown base", async () => {
    const { dir, cleanup } = await checkoutFixture("cli-review");
    cleanups.push(cleanup);
    const io = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--no-model", "--json"], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ type: "review", base: "main", findings: [] });
    const bad = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--base", "nope"], bad)).toBe(2);
    expect(bad.err()).toContain('--base "nope" is not a branch, tag or commit here');
  });

  it("runs the model review through the fake model and prints its finding at the reported line", async () => {
    const { dir, cleanup } = await checkoutFixture("cli-review");
    cleanups.push(cleanup);
    git(dir, "checkout", "-q", "-b", "feature");
    // Left uncommitted on purpose: the review covers the working tree too.
    await writeFile(
      path.join(dir, "src/db.js"),
      [
        "// Base version: parameterised query.",
        "export function findUser(db, id) {",
        '  return db.query("SELECT * FROM users WHERE id = " + id);',
        "}",
        "",
      ].join("\n"),
    );
    const model = await startFakeModel({
      script: [
        {
          toolCalls: [
            {
              name: "report_finding",
              arguments: {
                path: "src/db.js",
                line: 3,
                severity: "high",
                cwe: "CWE-89",
                title: "SQL injection in findUser",
                explanation: "id is concatenated into the SQL text; pass it as a parameter instead.",
              },
            },
          ],
        },
        { text: "Title: Review done\n\nOne finding." },
      ],
    });
    cleanups.push(() => model.close());
    const io = captureIo({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "sk-test-cli-0123456789abcdef" } });
    const code = await main(["review", "--repo", dir, "--wire", "chat"], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toMatch(/HIGH\s+src\/db\.js:3\s+CWE-89\s+SQL injection in findUser/);
    expect(io.out()).toContain("model review: yes");
    // The model saw the uncommitted change, and the user's index was not touched.
    expect(model.turnRequests()[0]!.raw).toContain('SELECT * FROM users WHERE id = \\" + id');
    expect(git(dir, "status", "--porcelain")).toBe(" M src/db.js\n");
  });

  it("reviews untracked new files without staging them", async () => {
    const { dir, cleanup } = await checkoutFixture("cli-review");
    cleanups.push(cleanup);
    await writeFile(path.join(dir, "new.js"), `const key = "${FAKE_AWS_KEY}";\n`);
    const io = captureIo({ env: {} });
    expect(await main(["review", "--repo", dir, "--no-model", "--json"], io)).toBe(0);
    const report = JSON.parse(io.out()) as { findings: { path: string; line: number }[] };
    expect(report.findings).toContainEqual(expect.objectContaining({ path: "new.js", line: 1 }));
    expect(git(dir, "status", "--porcelain")).toBe("?? new.js\n");
  });
});
