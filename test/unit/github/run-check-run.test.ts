import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createRunCheck, RUN_CHECK_NAME } from "../../../src/github/run-check-run.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();
const SECRET = "literal-run-secret-0123456789";
let gh: GitHubMock | undefined;
afterEach(() => gh?.stop());

describe("createRunCheck", () => {
  it("posts the transcript on the head commit, overflow parts as notice annotations 50 per request, redacted and neutralised", async () => {
    gh = mockGitHub();
    gh.on("POST", "/repos/o/r/check-runs").reply(201, { id: 31, html_url: "https://github.com/o/r/runs/31" });
    gh.on("PATCH", "/repos/o/r/check-runs/31").times(2).reply(200, { id: 31 });
    const parts = Array.from({ length: 120 }, (_, i) => `part ${i + 1} ${SECRET}`);
    const run = await createRunCheck(octokit, {
      owner: "o",
      repo: "r",
      headSha: "a".repeat(40),
      conclusion: "neutral",
      title: "Run transcript",
      summary: `summary @octocat ${SECRET}`,
      text: "text Fixes #12",
      parts,
      annotationPath: "src/a.js",
      secrets: [SECRET],
    });
    expect(run).toEqual({ id: 31, url: "https://github.com/o/r/runs/31" });
    const create = gh.callsTo("POST", "/repos/o/r/check-runs")[0]?.json;
    expect(create).toMatchObject({ name: RUN_CHECK_NAME, head_sha: "a".repeat(40), status: "completed", conclusion: "neutral" });
    const batches = [create, ...gh.callsTo("PATCH", "/repos/o/r/check-runs/31").map((c) => c.json)].map(
      (b) => b.output.annotations as { path: string; annotation_level: string; title: string; message: string }[],
    );
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat().map((a) => a.title)).toEqual(parts.map((_, i) => `Run transcript, part ${i + 1} of 120`));
    expect(batches.flat().every((a) => a.path === "src/a.js" && a.annotation_level === "notice")).toBe(true);
    expect(gh.outboundText()).not.toContain(SECRET);
    expect(create.output.summary).not.toMatch(/(^|\s)@octocat/);
    expect(create.output.text).not.toMatch(/\bFixes #12/);
    gh.assertDone();
  });
});
