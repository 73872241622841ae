/**
 * The security-review task end to end against the strict GitHub mock: real diff parsing, secret
 * scan, anchoring and formatting; the model is a scripted agent run that calls report_finding.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProbotOctokit } from "probot";
import { renderMarker } from "../../../src/github/markers.js";
import { afterEach, describe, expect, it } from "vitest";
import type { RunAgentInput, RunAgentResult } from "../../../src/agent/types.js";
import { parseEnv } from "../../../src/config/env.js";
import { CONFIG_SCOPE, withRepoPorts } from "../../../src/github/client.js";
import { TOKEN_SCOPES } from "../../../src/github/token-scopes.js";
import type { JobContext } from "../../../src/jobs/types.js";
import { parseFindingMarker } from "../../../src/review/review-markers.js";
import { runJob } from "../../../src/tasks/job-registry.js";
import type { SecurityReviewDeps } from "../../../src/tasks/security-review.js";
import { createSpendLedger, memorySpendStore } from "../../../src/tasks/spend-ledger.js";
import { fakeJob } from "../../helpers/job-context.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";
import { validateWithMultitool } from "../../helpers/sarif-multitool.js";
import { validateSarif } from "../cli/validate-sarif.js";

const SECRET = "ghp_Zq8vN2kR5tW1yB4mC7xE0aD3fG6hJ9lP2sU5";
const PATCH = [
  "@@ -1,3 +1,6 @@",
  " import { db } from './db';",
  `+const GITHUB_TOKEN = "${SECRET}";`,
  " export async function find(name: string) {",
  "+  const sql = `SELECT * FROM users WHERE name = '${name}'`;",
  "+  return db.query(sql);",
  " }",
].join("\n");

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();
const BOT = { login: "issue-agent[bot]", type: "Bot" };

function pr(sha: string) {
  return {
    number: 5,
    title: "Add user search",
    body: "",
    user: { login: "alice" },
    state: "open",
    head: { ref: "feature", sha, repo: { full_name: "octo/app", clone_url: "https://github.com/octo/app.git" } },
    base: { ref: "main", sha: "b".repeat(40) },
    maintainer_can_modify: false,
    html_url: "https://github.com/octo/app/pull/5",
  };
}

/** The scripted "model": reports the SQL injection (with a fix) and one finding on a line outside the diff. */
async function scriptedAgent(input: RunAgentInput): Promise<RunAgentResult> {
  expect(input.sandbox.policy).toMatchObject({ mode: "read-only", network: "off" });
  expect(input.toolNames).toEqual(["read_file", "list_dir", "grep", "report_finding"]);
  const tool = input.extraTools?.find((t) => t.name === "report_finding");
  const ctx = { workspaceDir: input.workspaceDir };
  await tool?.handle(
    {
      path: "src/users.ts",
      line: 4,
      severity: "high",
      cwe: "CWE-89",
      title: "SQL injection in find()",
      explanation: "`name` is interpolated into the SQL text; a name like `' OR 1=1 --` dumps the table.",
      suggested_fix: "  const sql = 'SELECT * FROM users WHERE name = ?';",
    },
    ctx,
  );
  await tool?.handle(
    {
      path: "src/users.ts",
      line: 40,
      severity: "medium",
      cwe: "CWE-862",
      title: "No authorization check",
      explanation: "find() is exported without any caller check.",
    },
    ctx,
  );
  return {
    outcome: "completed",
    summary: "done",
    prTitle: "",
    prBody: "",
    plan: [],
    usage: { input: 1000, cachedInput: 0, output: 100, reasoning: 0 },
    costUsd: 0.01,
    turns: 2,
    testsRun: [],
  };
}

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
});

function deps(envOverrides: Record<string, string> = {}): SecurityReviewDeps {
  return {
    env: parseEnv({ APP_SLUG: "issue-agent", OPENAI_API_KEY: "sk-test-not-real", OSV_API_URL: "https://osv.test", ...envOverrides }),
    github: withRepoPorts({ forInstallation: async () => octokit, installationToken: async () => "ghs_installation_token_for_tests" }, () => BOT.login),
    git: {
      withWorkspace: async (_id, fn) => {
        work = mkdtempSync(path.join(tmpdir(), "review-"));
        return fn(work);
      },
      clone: async () => ({ headSha: "a".repeat(40) }),
      createBranch: async () => undefined,
      commitAll: async () => null,
      push: async () => undefined,
      apiCommitPlan: async () => {
        throw new Error("a review never commits");
      },
      readBlobs: async () => [],
      changedFiles: async () => [],
      inspectChanges: async () => ({ changedFiles: [], refused: [], secretHits: [], unscanned: [] }),
      unifiedDiff: async () => "",
    },
    runAgent: scriptedAgent,
    spend: createSpendLedger({ perRepoPerDay: 1 }, memorySpendStore()),
    createSandbox: (policy) => ({
      policy,
      run: async () => ({ exitCode: 0, signal: null, stdout: "", stderr: "", truncated: false, timedOut: false, durationMs: 0 }),
    }),
  };
}

function job(): JobContext {
  return fakeJob({
    kind: "security-review",
    key: "octo/app#5",
    payload: {
      installationId: 1,
      owner: "octo",
      repo: "app",
      repoId: 1296269,
      prNumber: 5,
      headSha: "a".repeat(40),
      trigger: "opened",
      requester: { login: "alice", id: 1 },
    },
  });
}

interface Scenario {
  agentYml?: string;
  headAtEnd?: string;
  reviewComments?: unknown[];
  issueComments?: unknown[];
  /** The PR author's permission; the model review runs automatically only from the trigger permission up. */
  authorPermission?: string;
}

function arrange(s: Scenario = {}): GitHubMock {
  const gh = mockGitHub();
  const sha = "a".repeat(40);
  gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr(sha));
  gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(s.agentYml === undefined ? 404 : 200, s.agentYml ?? { message: "Not Found" });
  gh.on("GET", "/repos/octo/.github/contents/.github%2Fagent.yml").any().reply(404, { message: "Not Found" });
  gh.on("GET", "/repos/octo/app/collaborators/alice/permission").reply(200, {
    permission: s.authorPermission ?? "write",
    role_name: s.authorPermission ?? "write",
  });
  gh.on("GET", "/repos/octo/app/pulls/5/files").reply(200, [
    { filename: "src/users.ts", status: "modified", changes: 3, patch: PATCH },
    { filename: "assets/logo.png", status: "added", changes: 0 },
  ]);
  gh.on("GET", "/repos/octo/app/pulls/5/comments").reply(200, s.reviewComments ?? []);
  gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, s.issueComments ?? []);
  gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr(s.headAtEnd ?? sha));
  return gh;
}

/** The app's check runs on a commit, as GitHub lists them (`ensureSecurityCheckRun` looks before it creates). */
function checkRunList(runs: { id: number; app: string }[] = []) {
  return { total_count: runs.length, check_runs: runs.map((r) => ({ id: r.id, name: "issue-agent/security", app: { slug: r.app } })) };
}

function expectWrites(gh: GitHubMock) {
  gh.on("POST", "/repos/octo/app/pulls/5/reviews").any().reply(200, { id: 77 });
  gh.on("POST", "/repos/octo/app/issues/5/comments").any().reply(201, { id: 88 });
  gh.on("PATCH", "/repos/octo/app/issues/comments/88").any().reply(200, { id: 88 });
  gh.on("GET", /^\/repos\/octo\/app\/commits\/[0-9a-f]{40}\/check-runs$/)
    .any()
    .reply(200, checkRunList());
  gh.on("POST", "/repos/octo/app/check-runs").any().reply(201, { id: 99 });
}

describe("runSecurityReview", () => {
  it("posts one review with inline findings on the right lines, a summary with the unanchored one, and a check run", async () => {
    const gh = arrange();
    expectWrites(gh);
    expect(await runJob(deps(), job())).toBe("succeeded");
    gh.assertDone();

    const [review] = gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews");
    expect(review?.json).toMatchObject({ commit_id: "a".repeat(40), event: "COMMENT" });
    const comments = review?.json.comments as { path: string; line: number; side: string; body: string }[];
    expect(comments.map((c) => [c.path, c.line, c.side])).toEqual([
      ["src/users.ts", 2, "RIGHT"],
      ["src/users.ts", 4, "RIGHT"],
    ]);
    expect(comments[1]?.body).toContain("[CWE-89](https://cwe.mitre.org/data/definitions/89.html)");
    expect(comments[1]?.body).toContain("```suggestion\n  const sql = 'SELECT * FROM users WHERE name = ?';\n```");
    expect(parseFindingMarker(comments[1]?.body)).toMatchObject({ path: "src/users.ts", line: 4, cwe: "CWE-89", sha: "a".repeat(40) });

    const summary = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    expect(summary).toContain("No authorization check");
    expect(summary).toContain("line 40 of src/users.ts is not part of the diff");
    expect(summary).toMatch(/Skipped, binary: 1 file\(s\): `assets\/logo.png`/);

    const check = gh.callsTo("POST", "/repos/octo/app/check-runs")[0]?.json;
    expect(check).toMatchObject({ name: "issue-agent/security", head_sha: "a".repeat(40), conclusion: "failure" });
    expect(check.output.annotations).toHaveLength(2);

    // The secret is masked everywhere the app wrote to.
    expect(gh.outboundText()).not.toContain(SECRET);
    expect(gh.outboundText()).toContain("ghp_Z…(40 chars)");
  });

  it("posts no duplicate when the same PR is synchronized again (summary edited in place)", async () => {
    const first = arrange();
    expectWrites(first);
    await runJob(deps(), job());
    const posted = (first.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as { body: string }[]).map((c, i) => ({
      id: i + 1,
      body: c.body,
      user: BOT,
    }));
    const summaryBody = first.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    first.stop();

    const second = arrange({ reviewComments: posted, issueComments: [{ id: 88, body: summaryBody, user: BOT }] });
    second.on("PATCH", "/repos/octo/app/issues/comments/88").reply(200, { id: 88 });
    // The first run's check run is on this commit: edited, not a second one beside it.
    second.on("GET", `/repos/octo/app/commits/${"a".repeat(40)}/check-runs`).reply(200, checkRunList([{ id: 99, app: "issue-agent" }]));
    second.on("PATCH", "/repos/octo/app/check-runs/99").reply(200, { id: 99 });
    await runJob(deps(), job());
    second.assertDone();
    expect(second.callsTo("POST", "/repos/octo/app/pulls/5/reviews")).toEqual([]);
    expect(second.callsTo("POST", "/repos/octo/app/issues/5/comments")).toEqual([]);
    expect(second.callsTo("POST", "/repos/octo/app/check-runs")).toEqual([]);
  });

  it("a retried review edits the check run it already created on the commit (one check run, not two), never another app's", async () => {
    const gh = arrange();
    const created: { id: number; app: string }[] = [{ id: 7, app: "some-ci" }];
    gh.on("POST", "/repos/octo/app/pulls/5/reviews").reply(200, { id: 77 });
    gh.on("POST", "/repos/octo/app/issues/5/comments").reply(201, { id: 88 });
    gh.on("GET", `/repos/octo/app/commits/${"a".repeat(40)}/check-runs`)
      .times(2)
      .reply(200, () => checkRunList(created));
    gh.on("POST", "/repos/octo/app/check-runs").reply(201, () => (created.push({ id: 99, app: "issue-agent" }), { id: 99 }));
    // The retry sees what the first attempt posted: its findings and summary are already there.
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr("a".repeat(40)));
    expect(await runJob(deps(), job())).toBe("succeeded");
    const posted = gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as { body: string }[];
    const summary = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(404, { message: "Not Found" });
    gh.on("GET", "/repos/octo/app/collaborators/alice/permission").reply(200, { permission: "write", role_name: "write" });
    gh.on("GET", "/repos/octo/app/pulls/5/files").reply(200, [{ filename: "src/users.ts", status: "modified", changes: 3, patch: PATCH }]);
    gh.on("GET", "/repos/octo/app/pulls/5/comments").reply(
      200,
      posted.map((c, i) => ({ id: i + 1, body: c.body, user: BOT })),
    );
    gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, [{ id: 88, body: summary, user: BOT }]);
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr("a".repeat(40)));
    gh.on("PATCH", "/repos/octo/app/issues/comments/88").reply(200, { id: 88 });
    gh.on("PATCH", "/repos/octo/app/check-runs/99").reply(200, { id: 99 });
    expect(await runJob(deps(), job())).toBe("succeeded");
    gh.assertDone();
    expect(gh.callsTo("POST", "/repos/octo/app/check-runs")).toHaveLength(1);
    expect(gh.callsTo("PATCH", "/repos/octo/app/check-runs/99")).toHaveLength(1);
    expect(gh.callsTo("PATCH", "/repos/octo/app/check-runs/7")).toEqual([]);
  });

  it("does not let a forged marker from another user suppress a finding", async () => {
    const gh = arrange({ reviewComments: [] });
    expectWrites(gh);
    await runJob(deps(), job());
    const real = gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as { body: string }[];
    gh.stop();

    const forged = arrange({ reviewComments: real.map((c, i) => ({ id: i + 1, body: c.body, user: { login: "mallory", type: "User" } })) });
    expectWrites(forged);
    await runJob(deps(), job());
    expect((forged.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as unknown[]).length).toBe(2);
  });

  it("runs only the free deterministic checks on a PR opened by an outsider (no model spend)", async () => {
    const gh = arrange({ authorPermission: "read" });
    expectWrites(gh);
    let modelRuns = 0;
    const d = deps();
    d.runAgent = async (input) => {
      modelRuns++;
      return scriptedAgent(input);
    };
    expect(await runJob(d, job())).toBe("succeeded");
    expect(modelRuns).toBe(0);
    const summary = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    expect(summary).toContain("only the deterministic checks ran");
    expect(summary).toContain("`/agent review`");
    // The secret scan still ran and found the token on its line.
    const comments = gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as { line: number }[];
    expect(comments.map((c) => c.line)).toEqual([2]);
  });

  it("the app's own PR at the commit its self-review (model included) already reviewed: deterministic checks only, no model tokens; another head gets the model review", async () => {
    const sha = "a".repeat(40);
    const ownPr = (marker: Record<string, string | number>) => ({ ...pr(sha), user: BOT, body: `Fix.\n\n${renderMarker("pr", marker)}` });
    for (const [marker, expectedRuns] of [
      [{ issue: 3, sha, selfReview: "model" }, 0],
      [{ issue: 3, sha: "c".repeat(40), selfReview: "model" }, 1], // a human pushed since
      [{ issue: 3, sha, selfReview: "checks" }, 1], // the self-review did not ask the model
    ] as const) {
      const gh = mockGitHub();
      gh.on("GET", "/repos/octo/app/pulls/5").times(2).reply(200, ownPr(marker));
      gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(404, { message: "Not Found" });
      gh.on("GET", "/repos/octo/.github/contents/.github%2Fagent.yml").any().reply(404, { message: "Not Found" });
      gh.on("GET", "/repos/octo/app/pulls/5/files").reply(200, [{ filename: "src/users.ts", status: "modified", changes: 3, patch: PATCH }]);
      gh.on("GET", "/repos/octo/app/pulls/5/comments").reply(200, []);
      gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, []);
      expectWrites(gh);
      let modelRuns = 0;
      const d = deps();
      d.runAgent = async (input) => {
        modelRuns++;
        return scriptedAgent(input);
      };
      expect(await runJob(d, job())).toBe("succeeded");
      expect(modelRuns).toBe(expectedRuns);
      const summary = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
      if (expectedRuns === 0) expect(summary).toContain("no model tokens were spent on the unchanged diff");
      // The deterministic secret scan ran either way.
      expect((gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.comments as { line: number }[]).map((c) => c.line)).toContain(2);
      gh.stop();
    }
  });

  it("charges the model review to the daily spend cap, and skips the model once the cap is reached", async () => {
    const d = deps();
    let modelRuns = 0;
    d.runAgent = async (input) => {
      modelRuns++;
      return { ...(await scriptedAgent(input)), costUsd: 0.6 };
    };
    for (let run = 0; run < 3; run++) {
      const gh = arrange();
      expectWrites(gh);
      await runJob(d, job());
      if (run === 2) expect(gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body).toContain("spending cap");
      gh.stop();
    }
    // $0.60 + $0.60 passes the $1 cap: the third review runs only the deterministic checks.
    expect(modelRuns).toBe(2);
  });

  it("posts nothing when the PR head moved during the review", async () => {
    const gh = arrange({ headAtEnd: "c".repeat(40) });
    expect(await runJob(deps(), job())).toBe("cancelled");
    gh.assertDone();
    expect(gh.calls.filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("uploads SARIF (review.sarif) that the 2.1.0 schema and Microsoft's validator with GitHub's rules accept: zero errors, zero warnings", async () => {
    const gh = arrange({ agentYml: "review:\n  sarif: true\n" });
    expectWrites(gh);
    gh.on("POST", "/repos/octo/app/code-scanning/sarifs").any().reply(202, { id: "sarif-1" });
    const d = deps();
    d.runAgent = async (input) => {
      const result = await scriptedAgent(input);
      const tool = input.extraTools?.find((t) => t.name === "report_finding");
      const ctx = { workspaceDir: input.workspaceDir };
      // The issue's shapes: a CWE spelled loosely, no CWE at all, and a backwards range off the diff.
      await tool?.handle(
        {
          path: "src/users.ts",
          line: 5,
          severity: "low",
          cwe: "89",
          title: "Query result returned unfiltered",
          explanation: "find() returns every column, including password hashes.",
        },
        ctx,
      );
      await tool?.handle(
        {
          path: "src/users.ts",
          line: 3,
          severity: "medium",
          title: "No rate limit on lookups",
          explanation: "find() can be called without any limit to enumerate users.",
        },
        ctx,
      );
      await tool?.handle(
        {
          path: "src/users.ts",
          start_line: 9,
          line: 3,
          severity: "low",
          cwe: "CWE-0209",
          title: "Error detail leaks",
          explanation: "A range the model got backwards should not reach SARIF.",
        },
        ctx,
      );
      await tool?.handle(
        {
          path: "src/db.ts",
          start_line: 45,
          line: 40,
          severity: "low",
          cwe: "CWE-20",
          title: "Unchecked input",
          explanation: "Off the diff, with a backwards range as well.",
        },
        ctx,
      );
      return result;
    };
    expect(await runJob(d, job())).toBe("succeeded");
    const upload = gh.callsTo("POST", "/repos/octo/app/code-scanning/sarifs")[0]?.json as { commit_sha: string; ref: string; sarif: string };
    expect(upload).toMatchObject({ commit_sha: "a".repeat(40), ref: "refs/pull/5/head" });
    const text = gunzipSync(Buffer.from(upload.sarif, "base64")).toString("utf8");
    const log = JSON.parse(text) as {
      runs: [
        {
          tool: { driver: { version: string; rules: { id: string; properties: Record<string, unknown> }[] } };
          automationDetails: unknown;
          versionControlProvenance: unknown;
          results: {
            ruleId: string;
            properties: Record<string, unknown>;
            locations: [{ physicalLocation: { region?: { startLine: number; endLine: number } } }];
          }[];
        },
      ];
    };
    const run = log.runs[0];
    const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(run.tool.driver.version).toBe(manifest.version);
    expect(run.automationDetails).toEqual({ id: "issue-agent/security-review/pr-5" });
    expect(run.versionControlProvenance).toEqual([
      { repositoryUri: "https://github.com/octo/app", revisionId: "a".repeat(40), branch: "feature", mappedTo: { uriBaseId: "%SRCROOT%" } },
    ]);
    for (const r of run.results) {
      const region = r.locations[0].physicalLocation.region;
      if (region) expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
    }
    // CWE-89 at high and at low share one rule whose severity is the CWE's; the low one says its own.
    expect(run.tool.driver.rules.find((r) => r.id === "CWE-89")?.properties["security-severity"]).toBe("8.0");
    expect(run.results.filter((r) => r.ruleId === "CWE-89").map((r) => r.properties["security-severity"] ?? "rule")).toEqual(["rule", "3.0"]);
    expect(run.results.map((r) => r.ruleId)).toContain("model/no-cwe");
    expect(text).not.toContain(SECRET);

    expect(validateSarif(log)).toEqual([]);
    const findings = await validateWithMultitool({ appUpload: text }, "Sarif;Gh");
    expect(findings.map((x) => `${x.level} ${x.ruleId}: ${x.message}`)).toEqual([]);
  });

  it("requests changes only at the configured threshold", async () => {
    const atCritical = arrange({ agentYml: "review:\n  requestChangesAt: critical\n" });
    expectWrites(atCritical);
    await runJob(deps(), job());
    expect(atCritical.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.event).toBe("REQUEST_CHANGES");
    atCritical.stop();

    const noSecret = arrange({ agentYml: "review:\n  requestChangesAt: critical\n  secretScan: false\n" });
    expectWrites(noSecret);
    await runJob(deps(), job());
    // secretScan cannot be turned off by a repo, so the critical secret still triggers REQUEST_CHANGES.
    expect(noSecret.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.event).toBe("REQUEST_CHANGES");
  });

  it("review.secretScan: false is clamped back on without the operator's gate, and honoured with it", async () => {
    const secretRules = (gh: GitHubMock): string[] =>
      gh
        .callsTo("POST", "/repos/octo/app/pulls/5/reviews")
        .flatMap((c) => ((c.json.comments ?? []) as { body: string }[]).map((x) => x.body))
        .filter((body) => /GitHub token/i.test(body));
    const yml = "review:\n  secretScan: false\n";

    const gated = arrange({ agentYml: yml });
    expectWrites(gated);
    await runJob(deps(), job());
    expect(secretRules(gated)).toHaveLength(1);
    gated.stop();

    const allowed = arrange({ agentYml: yml });
    expectWrites(allowed);
    await runJob(deps({ AGENT_ALLOW_DISABLE_SECRET_SCAN: "true" }), job());
    expect(secretRules(allowed)).toEqual([]);
    // The rest of the review still ran: the SQL injection is reported.
    expect(JSON.stringify(allowed.callsTo("POST", "/repos/octo/app/pulls/5/reviews"))).toMatch(/CWE-89/);
  });

  it("reviews with AGENT_REVIEW_MODEL at its own price and context window, not the coding model's", async () => {
    const models: RunAgentInput["model"][] = [];
    const yml = "model:\n  name: gpt-4o\n  contextWindow: 64000\n";
    const envs: Record<string, string>[] = [{}, { AGENT_REVIEW_MODEL: "house-reviewer", AGENT_MODEL_PRICES: '{"house-reviewer":{"input":3,"output":9}}' }];
    for (const env of envs) {
      const d = deps(env);
      d.runAgent = async (input) => {
        models.push(input.model);
        return scriptedAgent(input);
      };
      const gh = arrange({ agentYml: yml });
      expectWrites(gh);
      await runJob(d, job());
      gh.stop();
    }
    expect(models[0]).toMatchObject({ name: "gpt-4o", contextWindow: 64_000 });
    expect(models[1]).toMatchObject({ name: "house-reviewer", contextWindow: 128_000, prices: { "house-reviewer": { input: 3, output: 9 } } });
  });
});

describe("security review tokens and stop rules", () => {
  function recordingDeps() {
    const scopes: unknown[] = [];
    const gitScopes: unknown[] = [];
    const clones: { url: string; ref: string; token: string }[] = [];
    const d = deps();
    d.github = withRepoPorts(
      {
        forInstallation: async (_id, scope) => (scopes.push(scope), octokit),
        installationToken: async (_id, scope) => (gitScopes.push(scope), "ghs_readOnlyReviewTokenForTests0123456789"),
      },
      () => BOT.login,
    );
    const clone = d.git.clone;
    d.git = { ...d.git, clone: async (o) => (clones.push({ url: o.url, ref: o.ref, token: o.token }), clone(o)) };
    return { d, scopes, gitScopes, clones };
  }

  function arrangeFork(isPrivate: boolean): GitHubMock {
    const gh = mockGitHub();
    const fork = (sha: string) => ({
      ...pr(sha),
      head: { ref: "feature", sha, repo: { full_name: "mallory/app", clone_url: "https://github.com/mallory/app.git", private: isPrivate } },
      base: { ref: "main", sha: "b".repeat(40), repo: { id: 1296269, full_name: "octo/app", clone_url: "https://github.com/octo/app.git" } },
    });
    gh.on("GET", "/repos/octo/app/pulls/5")
      .times(2)
      .reply(200, fork("a".repeat(40)));
    gh.on("GET", /\/contents\//)
      .any()
      .reply(404, { message: "Not Found" });
    gh.on("GET", "/repos/octo/app/collaborators/alice/permission").reply(200, { permission: "write", role_name: "write" });
    gh.on("GET", "/repos/octo/app/pulls/5/files").reply(200, [{ filename: "src/users.ts", status: "modified", changes: 3, patch: PATCH }]);
    gh.on("GET", "/repos/octo/app/pulls/5/comments").reply(200, []);
    gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, []);
    expectWrites(gh);
    return gh;
  }

  it("asks for a one-repository client for the review, contents:read for config, and clones a public fork without a token", async () => {
    const gh = arrangeFork(false);
    const { d, scopes, gitScopes, clones } = recordingDeps();
    expect(await runJob(d, job())).toBe("succeeded");
    gh.assertDone();
    expect(scopes).toEqual([CONFIG_SCOPE, TOKEN_SCOPES.review(1296269)]);
    expect(gitScopes).toEqual([]);
    expect(clones).toEqual([{ url: "https://github.com/mallory/app.git", ref: "feature", token: "" }]);
  });

  it("clones a private fork's head from the base repository with a read-only token", async () => {
    const gh = arrangeFork(true);
    const { d, gitScopes, clones } = recordingDeps();
    expect(await runJob(d, job())).toBe("succeeded");
    gh.assertDone();
    expect(gitScopes).toEqual([{ repositoryIds: [1296269], permissions: { contents: "read" } }]);
    expect(clones).toEqual([{ url: "https://github.com/octo/app.git", ref: "refs/pull/5/head", token: "ghs_readOnlyReviewTokenForTests0123456789" }]);
  });

  it("stops before listing anything when the PR head moved and a newer review waits for it", async () => {
    const gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr("d".repeat(40)));
    expect(await runJob(deps(), { ...job(), waitingBehind: async () => 1 })).toBe("cancelled");
    gh.assertDone();
    expect(gh.calls.map((c) => `${c.method} ${c.pathname}`)).toEqual(["GET /repos/octo/app/pulls/5"]);
  });

  it("posts a short note instead of a review when the PR changes more files than the cap, without listing them", async () => {
    const gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, { ...pr("a".repeat(40)), changed_files: 2999 });
    gh.on("GET", /\/contents\//)
      .any()
      .reply(404, { message: "Not Found" });
    gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, []);
    gh.on("POST", "/repos/octo/app/issues/5/comments").reply(201, { id: 90 });
    expect(await runJob(deps(), job())).toBe("no_changes");
    gh.assertDone();
    expect(gh.callsTo("GET", "/repos/octo/app/pulls/5/files")).toEqual([]);
    const note = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    expect(note).toContain("changes 2999 files, more than the 300");
    expect(note).toContain("issue-agent:security-summary");
  });

  it("skips an automatic review while the installation's quota is low, but not one asked for", async () => {
    const gh = mockGitHub();
    const d = { ...deps(), quota: { isLow: () => true } };
    expect(await runJob(d, job())).toBe("no_changes");
    expect(gh.calls).toEqual([]);
    gh.stop();
    const asked = arrange();
    expectWrites(asked);
    expect(await runJob(d, { ...job(), payload: { ...job().payload, trigger: "command" } })).toBe("succeeded");
  });
});

describe("a review that fails", () => {
  it("says so in the summary comment, with how to ask again, instead of only a log line", async () => {
    const gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr("a".repeat(40)));
    gh.on("GET", /\/contents\//)
      .any()
      .reply(404, { message: "Not Found" });
    gh.on("GET", "/repos/octo/app/pulls/5/files").reply(422, { message: "Unprocessable Entity" });
    gh.on("GET", "/repos/octo/app/issues/5/comments").reply(200, []);
    gh.on("POST", "/repos/octo/app/issues/5/comments").reply(201, { id: 90 });
    expect(await runJob(deps(), job())).toBe("failed");
    gh.assertDone();
    const summary = gh.callsTo("POST", "/repos/octo/app/issues/5/comments")[0]?.json.body as string;
    expect(summary).toContain("The security review of `aaaaaaa` failed");
    expect(summary).toContain("`/agent review`");
    expect(summary).toContain("issue-agent:security-summary");
    expect(summary).not.toContain("ghs_installation_token_for_tests");
  });

  it("keeps skipping an invalid .github/agent.yml without posting anything", async () => {
    const gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/pulls/5").reply(200, pr("a".repeat(40)));
    gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(200, "review:\n  requestChangesAt: sometimes\n");
    expect(await runJob(deps(), job())).toBe("no_changes");
    gh.assertDone();
    expect(gh.calls.filter((c) => c.method !== "GET")).toEqual([]);
  });
});

describe("a review whose head moved with no newer review waiting", () => {
  it("reviews the current head (events out of order, or the newer push was rate-limited)", async () => {
    const gh = arrange();
    expectWrites(gh);
    const stale = { ...job(), payload: { ...job().payload, headSha: "0".repeat(40) }, waitingBehind: async () => 0 };
    expect(await runJob(deps(), stale)).toBe("succeeded");
    expect(gh.callsTo("POST", "/repos/octo/app/pulls/5/reviews")[0]?.json.commit_id).toBe("a".repeat(40));
  });
});
