/**
 * The run frame every job kind runs in: the config read once, the spend caps checked once, and
 * every way a run can end turned into the status's final word in one place.
 */
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { withRepoPorts, type GitHubClient, type TokenScope } from "../../../src/github/client.js";
import type { StatusUpdate } from "../../../src/github/status-reporter.js";
import type { JobContext, JobOutcome } from "../../../src/jobs/types.js";
import { AppError } from "../../../src/shared/errors.js";
import { openStatusComment, runInTaskFrame, type FrameDeps, type FrameSpec, type RunStatus, type TaskFrame } from "../../../src/tasks/task-frame.js";
import { fakeJob } from "../../helpers/job-context.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))() as unknown as GitHubClient;
const TOKEN = "ghs_pushTokenThatMustNeverBeShown0123456789";

class RecordingStatus implements RunStatus {
  always: Partial<StatusUpdate> = {};
  readonly updates: StatusUpdate[] = [];
  readonly finals: StatusUpdate[] = [];
  update(u: StatusUpdate): Promise<void> {
    this.updates.push(u);
    return Promise.resolve();
  }
  finish(u: StatusUpdate): Promise<void> {
    this.finals.push(u);
    return Promise.resolve();
  }
}

function job(over: Partial<JobContext> = {}): JobContext {
  return fakeJob({ kind: "resolve-issue", key: "octo/app#3", payload: {}, ...over });
}

function deps(capped: string | null = null): FrameDeps {
  return {
    env: parseEnv({ APP_SLUG: "issue-agent" }),
    github: withRepoPorts({ forInstallation: async () => octokit, installationToken: async () => TOKEN }, () => "issue-agent[bot]"),
    spend: { check: async () => capped, record: async () => undefined, today: async () => ({ caps: {}, repos: [], installations: [] }) as never },
  };
}

function spec(status: RunStatus, over: Partial<FrameSpec<RunStatus, undefined>> = {}): FrameSpec<RunStatus, undefined> {
  return {
    installationId: 1,
    owner: "octo",
    repo: "app",
    repoId: 42,
    number: 3,
    title: "resolving issue #3",
    scope: (repoId) => ({ repositoryIds: [repoId], permissions: { issues: "write" } }),
    openStatus: () => status,
    onConfigError: "report",
    onSpendCap: "stop",
    modelPurpose: "run",
    ...over,
  };
}

function noConfigFile(gh: GitHubMock): void {
  gh.on("GET", /\/contents\//)
    .any()
    .reply(404, { message: "Not Found" });
}

describe("runInTaskFrame", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it("reports an invalid agent.yml on the issue and ends the run's status as failed, without running the body", async () => {
    gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(200, "limits:\n  maxTurns: many\n");
    gh.on("GET", "/repos/octo/app/issues/3/comments").reply(200, []);
    gh.on("POST", "/repos/octo/app/issues/3/comments").reply(201, { id: 9 });
    const status = new RecordingStatus();
    let ran = false;
    const outcome = await runInTaskFrame(deps(), job(), spec(status), async () => ((ran = true), "succeeded"));
    expect(outcome).toBe("failed");
    expect(ran).toBe(false);
    expect(gh.callsTo("POST", "/repos/octo/app/issues/3/comments")[0]?.json.body).toContain("maxTurns");
    expect(status.finals).toEqual([expect.objectContaining({ phase: "failed", message: expect.stringContaining("`.github/agent.yml` is invalid") })]);
  });

  it("skips a run whose kind says so on an invalid agent.yml (the review), posting nothing", async () => {
    gh = mockGitHub();
    gh.on("GET", "/repos/octo/app/contents/.github%2Fagent.yml").reply(200, "limits:\n  maxTurns: many\n");
    const status = new RecordingStatus();
    const outcome = await runInTaskFrame(deps(), job(), spec(status, { onConfigError: "skip" }), async () => "succeeded");
    expect(outcome).toBe("no_changes");
    expect(gh.calls.filter((c) => c.method !== "GET")).toEqual([]);
    expect(status.finals).toEqual([]);
  });

  it("ends a coding run at a spending cap as budget_exhausted, and hands the cap to a review's body instead", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    const cap = "The daily spending cap of this repository is reached.";
    const coding = new RecordingStatus();
    expect(await runInTaskFrame(deps(cap), job(), spec(coding), async () => "succeeded")).toBe("budget_exhausted");
    expect(coding.finals).toEqual([expect.objectContaining({ phase: "failed", message: cap })]);

    let seen: TaskFrame["capped"] | undefined;
    const review = new RecordingStatus();
    const outcome = await runInTaskFrame(deps(cap), job(), spec(review, { onSpendCap: "input" }), async (frame) => ((seen = frame.capped), "succeeded"));
    expect(outcome).toBe("succeeded");
    expect(seen).toBe(cap);
    expect(review.finals).toEqual([]);
  });

  it("rethrows a retryable failure for the queue while attempts remain, saying it retries; the last attempt fails the run", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    const flaky = () => Promise.reject(new AppError("github/api", "502 from GitHub", { retryable: true }));
    const first = new RecordingStatus();
    await expect(runInTaskFrame(deps(), job({ attempt: 1, maxAttempts: 3 }), spec(first), flaky)).rejects.toThrow("502 from GitHub");
    expect(first.updates).toEqual([{ phase: "working", currentStep: "retrying after a temporary error" }]);
    expect(first.finals).toEqual([]);

    const last = new RecordingStatus();
    expect(await runInTaskFrame(deps(), job({ attempt: 3, maxAttempts: 3 }), spec(last), flaky)).toBe("failed");
    expect(last.finals).toEqual([expect.objectContaining({ phase: "failed" })]);
  });

  it("turns an unexpected failure into a failed final word that does not show the run's token", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    const status = new RecordingStatus();
    const outcome = await runInTaskFrame(deps(), job(), spec(status), async (frame): Promise<JobOutcome> => {
      frame.secrets.push(TOKEN);
      throw new Error(`git push https://x-access-token:${TOKEN}@github.com/octo/app.git failed`);
    });
    expect(outcome).toBe("failed");
    expect(status.finals).toHaveLength(1);
    expect(status.finals[0]?.phase).toBe("failed");
    expect(JSON.stringify(status.finals)).not.toContain(TOKEN);
  });

  it("ends a run stopped on request as cancelled", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    const stop = new AbortController();
    const status = new RecordingStatus();
    const outcome = await runInTaskFrame(deps(), job({ signal: stop.signal }), spec(status), async () => {
      stop.abort();
      throw new Error("aborted");
    });
    expect(outcome).toBe("cancelled");
    expect(status.finals).toEqual([expect.objectContaining({ phase: "cancelled" })]);
  });

  it("hands the body a port bound to the job's repository and the kind's scope; further scopes stay on that repository", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    gh.on("GET", "/repos/octo/app/actions/jobs/5/logs").reply(200, "step 3 failed");
    const scopes: TokenScope[] = [];
    const d: FrameDeps = {
      ...deps(),
      github: withRepoPorts(
        { forInstallation: async (_id, scope) => (scopes.push(scope), octokit), installationToken: async () => TOKEN },
        () => "issue-agent[bot]",
      ),
    };
    const runScope: TokenScope = { repositoryIds: [42], permissions: { issues: "write" } };
    const logScope: TokenScope = { repositoryIds: [42], permissions: { actions: "read" } };
    let seen: { owner: string; repo: string; self: boolean; log: string | null } | undefined;
    const outcome = await runInTaskFrame(d, job(), spec(new RecordingStatus(), { scope: () => runScope }), async (frame) => {
      const logs = await frame.portFor(logScope);
      seen = {
        owner: frame.gh.owner,
        repo: frame.gh.repo,
        self: frame.gh.isSelf({ login: "issue-agent[bot]" }),
        log: await logs.getActionsJobLogTail(5),
      };
      expect(frame).not.toHaveProperty("octokit");
      return "succeeded";
    });
    expect(outcome).toBe("succeeded");
    expect(seen).toEqual({ owner: "octo", repo: "app", self: true, log: "step 3 failed" });
    expect(scopes.slice(1)).toEqual([runScope, logScope]);
    expect(gh.callsTo("GET", "/repos/octo/app/actions/jobs/5/logs")).toHaveLength(1);
  });

  it("gives the status comment the run's title and start time on every edit", async () => {
    gh = mockGitHub();
    noConfigFile(gh);
    gh.on("PATCH", "/repos/octo/app/issues/comments/77").any().reply(200, {});
    const ref = { target: { type: "issue" as const, number: 3 }, commentId: 77 };
    let now = 1_000_000;
    const d = { ...deps(), now: () => now, statusIntervalMs: 0 };
    await runInTaskFrame(d, job(), spec(new RecordingStatus(), { openStatus: openStatusComment(ref, 3) }), async ({ reporter }) => {
      now += 125_000;
      await reporter.update({ phase: "working", currentStep: "reading the issue" });
      await reporter.finish({ phase: "succeeded", resultLabel: "Pull request", resultUrl: "https://github.com/octo/app/pull/4" });
      return "succeeded";
    });
    const edits = gh.callsTo("PATCH", "/repos/octo/app/issues/comments/77").map((c) => c.json.body as string);
    expect(edits).toHaveLength(2);
    for (const edit of edits) {
      expect(edit).toContain("resolving issue #3");
      expect(edit).toContain("2m 5s");
    }
  });
});
