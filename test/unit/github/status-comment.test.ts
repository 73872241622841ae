import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../../src/github/client.js";
import { renderStatus } from "../../../src/github/format-status.js";
import { createRepoGitHub } from "../../../src/github/repo-github.js";
import { StatusReporter } from "../../../src/github/status-reporter.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = () => new Octokit({ auth: "x", request: { retries: 0 } }) as unknown as GitHubClient;
const ref = { target: { type: "issue" as const, number: 1 }, commentId: 5 };
/** The reporter writes through the repository port, as the task frame wires it. */
const writer = () => {
  const gh = createRepoGitHub(octokit(), { owner: "o", repo: "r" });
  return (body: string) => gh.updateStatusComment(ref, body);
};

describe("StatusReporter", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it("throttles intermediate edits and always sends the final one", async () => {
    gh = mockGitHub();
    gh.on("PATCH", "/repos/o/r/issues/comments/5").any().reply(200, {});
    let now = 0;
    const reporter = new StatusReporter(writer(), { title: "t", startedAt: 0, marker: { key: "k" }, minIntervalMs: 10_000, now: () => now });
    for (let i = 0; i < 20; i++) {
      now += 1000;
      await reporter.update({ phase: "working", currentStep: `step ${i}` });
    }
    await reporter.finish({ phase: "succeeded", resultUrl: "https://github.com/o/r/pull/1", resultLabel: "Pull request" });
    const edits = gh.callsTo("PATCH", "/repos/o/r/issues/comments/5").map((c) => c.json.body as string);
    expect(edits.length).toBeLessThanOrEqual(4); // 20 s of updates at one per 10 s, plus the final
    expect(edits.at(-1)).toContain("pull/1");
    expect(edits.at(-1)).toMatch(/<!-- issue-agent:status [A-Za-z0-9_-]+ -->$/);
  });

  it("redacts the run's token and neutralizes mentions in every edit; a failed edit does not throw", async () => {
    gh = mockGitHub();
    gh.on("PATCH", "/repos/o/r/issues/comments/5").reply(500, { message: "boom" });
    gh.on("PATCH", "/repos/o/r/issues/comments/5").reply(200, {});
    const errors: unknown[] = [];
    const reporter = new StatusReporter(writer(), {
      title: "t",
      marker: {},
      minIntervalMs: 0,
      secrets: () => ["tok_SECRET_123456"],
      onError: (e) => errors.push(e),
    });
    await reporter.finish({ phase: "failed", message: "x" });
    await reporter.finish({ phase: "failed", message: "leaked tok_SECRET_123456 to @alice" });
    const last = gh.calls.at(-1)?.json.body as string;
    expect(errors).toHaveLength(1);
    expect(last).not.toContain("tok_SECRET_123456");
    expect(last).not.toMatch(/(^|\s)@alice/);
    gh.assertDone();
  });
});

describe("renderStatus", () => {
  it("shows the run's cost, or says it is unknown for a model without a price instead of $0.00", () => {
    const done = { title: "resolving issue #3", phase: "succeeded" as const, startedAt: 0, now: 1000, turns: 4, tokens: 12_345, costUsd: 0.4213 };
    expect(renderStatus(done)).toContain("4 turns · 12,345 tokens · $0.42");
    const unpriced = renderStatus({ ...done, costUsd: 0, priced: false });
    expect(unpriced).toContain("cost unknown");
    expect(unpriced).not.toContain("$0.00");
  });

  it("shows the plan as a checklist, the current step and elapsed time while working", () => {
    const text = renderStatus({
      title: "resolving issue #3",
      phase: "working",
      startedAt: 0,
      now: 95_000,
      currentStep: "`shell` npm test",
      plan: [
        { step: "Read the code", status: "completed" },
        { step: "Fix it", status: "in_progress" },
        { step: "Test", status: "pending" },
      ],
    });
    expect(text).toContain("- [x] Read the code");
    expect(text).toContain("- [ ] **Fix it**");
    expect(text).toContain("1m 35s");
    expect(text).toContain("npm test");
  });

  it("shows tests, turns, tokens and cost in the result", () => {
    const text = renderStatus({ title: "t", phase: "succeeded", testsRun: [{ command: "npm test", exitCode: 0 }], turns: 7, tokens: 12345, costUsd: 0.4 });
    expect(text).toMatch(/npm test` → passed/);
    expect(text).toContain("7 turns · 12,345 tokens · $0.40");
  });
});
