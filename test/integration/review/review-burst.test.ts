/**
 * A PR author pushing 50 times in a burst (each push a signed `synchronize` delivery to the real app
 * function) must cost at most one review run per PR, and that run stays within the stated REST-call
 * bound; the calls and the installation's remaining quota show in /metrics.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import { parseEnv } from "../../../src/config/env.js";
import { createProbotClientFactory } from "../../../src/github/client.js";
import { createQuotaTracker } from "../../../src/github/quota.js";
import { createHandlerTracker } from "../../../src/handlers/handler-tracker.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import { createMetrics } from "../../../src/jobs/metrics.js";
import type { JobOutcome } from "../../../src/jobs/types.js";
import { observeGitHubCalls } from "../../../src/tasks/create-task-deps.js";
import { runJob } from "../../../src/tasks/job-registry.js";
import { REVIEW_CALL_BUDGET, type SecurityReviewDeps } from "../../../src/tasks/security-review.js";
import { createSpendLedger, memorySpendStore } from "../../../src/tasks/spend-ledger.js";
import { createTestProbot } from "../../helpers/test-probot.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";
import { waitFor } from "../../helpers/wait-for.js";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";

const REPO_PATH = "/repos/Codertocat/Hello-World";
const INSTALLATION = 42424242;
const PRS = [2, 3];
const PUSHES = 50;
const sha = (pr: number, n: number) => `${pr}${String(n).padStart(39, "0")}`;

let dataDir: string | undefined;
let gh: GitHubMock | undefined;
let queue: EmbeddedQueue | undefined;
afterEach(async () => {
  await queue?.close(0);
  gh?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  queue = undefined;
  gh = undefined;
  dataDir = undefined;
});

function mockRepository(mock: GitHubMock, head: Map<number, string>): void {
  const quotaHeaders = { "x-ratelimit-remaining": "4200", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3000) };
  mock
    .on("POST", `/app/installations/${INSTALLATION}/access_tokens`)
    .any()
    .reply(201, () => ({ token: `ghs_${randomUUID().replace(/-/g, "")}abcd`, expires_at: new Date(Date.now() + 3600_000).toISOString() }));
  mock
    .on("GET", /\/contents\//)
    .any()
    .reply(404, { message: "Not Found" });
  mock
    .on("GET", /\/collaborators\/.+\/permission$/)
    .any()
    .reply(200, { permission: "write", role_name: "write" });
  for (const number of PRS) {
    mock
      .on("GET", `${REPO_PATH}/pulls/${number}`)
      .any()
      .reply(
        200,
        () => ({
          number,
          title: "Change",
          body: "",
          state: "open",
          user: { login: "Codertocat" },
          head: {
            ref: `feature-${number}`,
            sha: head.get(number),
            repo: { full_name: "Codertocat/Hello-World", clone_url: "https://github.com/Codertocat/Hello-World.git" },
          },
          base: {
            ref: "main",
            sha: "b".repeat(40),
            repo: { id: 186853002, full_name: "Codertocat/Hello-World", clone_url: "https://github.com/Codertocat/Hello-World.git" },
          },
          changed_files: 1,
          maintainer_can_modify: false,
          html_url: `https://github.com/Codertocat/Hello-World/pull/${number}`,
        }),
        quotaHeaders,
      );
    mock
      .on("GET", `${REPO_PATH}/pulls/${number}/files`)
      .any()
      .reply(200, [{ filename: "src/a.ts", status: "modified", changes: 1, patch: "@@ -1 +1 @@\n-a\n+b" }]);
    mock.on("GET", `${REPO_PATH}/pulls/${number}/comments`).any().reply(200, []);
    mock.on("GET", `${REPO_PATH}/issues/${number}/comments`).any().reply(200, []);
    mock
      .on("POST", `${REPO_PATH}/issues/${number}/comments`)
      .any()
      .reply(201, { id: 1000 + number });
  }
  mock.on("POST", `${REPO_PATH}/check-runs`).any().reply(201, { id: 1 });
}

/** What the burst and the reviews after it did, captured before any `it` (nock is cleared after each). */
interface BurstResult {
  gh: GitHubMock;
  handlerCalls: number;
  handlerReadFiles: boolean;
  depthAfterBurst: number;
  runs: { outcome: JobOutcome }[];
  reviewCalls: number;
  metricsText: string;
}

const NO_WORKSPACE: SecurityReviewDeps["git"] = {
  withWorkspace: async () => Promise.reject(new Error("no clone without a model")),
  clone: async () => ({ headSha: "" }),
  inspectChanges: async () => Promise.reject(new Error("no changes")),
  apiCommitPlan: async () => Promise.reject(new Error("no commit")),
  readBlobs: async () => Promise.reject(new Error("no commit")),
  createBranch: async () => undefined,
  commitAll: async () => null,
  push: async () => undefined,
  changedFiles: async () => [],
  unifiedDiff: async () => "",
};

async function burstThenReview(burstDataDir: string, cleanups: (() => Promise<void> | void)[]): Promise<BurstResult> {
  const gh = mockGitHub();
  cleanups.push(() => gh.stop());
  const head = new Map<number, string>();
  mockRepository(gh, head);
  const log = pino({ level: "silent" });
  const env = parseEnv({ APP_SLUG: "issue-agent", AGENT_DATA_DIR: burstDataDir, OSV_API_URL: "https://osv.test" });
  const probot = createTestProbot(log);
  const metrics = createMetrics();
  const quota = createQuotaTracker({ reserve: env.AGENT_GITHUB_QUOTA_RESERVE });
  const github = createProbotClientFactory(probot, { observe: observeGitHubCalls(quota, metrics) });
  const burstQueue = new EmbeddedQueue({ dataDir: burstDataDir, log, concurrency: 2, maxAttempts: 1, graceMs: 1000, pollMs: 20 });
  cleanups.push(() => burstQueue.close(0));
  const handlers = createHandlerTracker();
  await probot.load(createApp({ env, queue: burstQueue, handlers, github, quota, metrics }));

  // 1. The burst: every push moves the PR's head; the worker is busy elsewhere meanwhile.
  for (let n = 1; n <= PUSHES; n++) {
    for (const number of PRS) {
      head.set(number, sha(number, n));
      const payload = loadWebhook("pull_request.synchronize", { pull_request: { number, head: { sha: sha(number, n) }, user: { login: "Codertocat" } } });
      await probot.receive({ id: randomUUID(), name: "pull_request", payload } as Parameters<Probot["receive"]>[0]);
    }
  }
  await handlers.idle();
  const handlerCalls = gh.calls.filter((c) => !c.pathname.endsWith("/access_tokens")).length;
  const handlerReadFiles = gh.calls.some((c) => /\/files$/.test(c.pathname));
  const depthAfterBurst = await burstQueue.depth();

  // 2. The worker gets to them.
  const deps: SecurityReviewDeps = {
    env,
    github,
    git: NO_WORKSPACE,
    runAgent: async () => Promise.reject(new Error("no model")),
    createSandbox: () => Promise.reject(new Error("no sandbox")) as never,
    spend: createSpendLedger({}, memorySpendStore()),
    metrics,
    quota,
  };
  const runs: { outcome: JobOutcome }[] = [];
  const before = gh.calls.length;
  await burstQueue.startWorker(async (job) => {
    const outcome = await runJob(deps, job);
    runs.push({ outcome });
    return outcome;
  });
  await waitFor(() => runs.length >= PRS.length, { what: `${PRS.length} review runs`, timeoutMs: 20_000, intervalMs: 50, detail: () => `${runs.length} ran` });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const reviewCalls = gh.calls.slice(before).filter((c) => !c.pathname.endsWith("/access_tokens")).length;
  return { gh, handlerCalls, handlerReadFiles, depthAfterBurst, runs, reviewCalls, metricsText: await metrics.registry.metrics() };
}

describe("a burst of synchronize events: 50 pushes on each of two PRs", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let burst: BurstResult;
  beforeAll(async () => {
    const burstDataDir = mkdtempSync(path.join(tmpdir(), "burst-"));
    cleanups.push(() => rmSync(burstDataDir, { recursive: true, force: true }));
    burst = await burstThenReview(burstDataDir, cleanups);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("costs the webhook handlers one config read and queues one review per PR", () => {
    // The burst read the config once (the repository's file and the owner's `.github` fallback), nothing else.
    expect(burst.handlerCalls).toBe(2);
    expect(burst.handlerReadFiles).toBe(false);
    expect(burst.depthAfterBurst).toBe(PRS.length);
  });

  it("runs one review per PR, for its newest head", () => {
    expect(burst.runs).toHaveLength(PRS.length);
    expect(burst.runs.map((r) => r.outcome)).toEqual(PRS.map(() => "succeeded"));
    // Whatever order the handlers enqueued in, the newest head is the one reviewed.
    expect(
      burst.gh
        .callsTo("POST", `${REPO_PATH}/check-runs`)
        .map((c) => c.json.head_sha)
        .sort(),
    ).toEqual(PRS.map((n) => sha(n, PUSHES)).sort());
  });

  it("keeps each review within the stated REST-call budget, reading the PR's files once", () => {
    for (const number of PRS) expect(burst.gh.callsTo("GET", `${REPO_PATH}/pulls/${number}/files`)).toHaveLength(1);
    expect(burst.reviewCalls / PRS.length).toBeLessThanOrEqual(REVIEW_CALL_BUDGET);
    burst.gh.assertDone();
  });

  it("shows the GitHub calls, the installation's remaining quota and the coalesced pushes in /metrics", () => {
    expect(burst.metricsText).toContain('issue_agent_github_calls_total{endpoint="GET /repos/{owner}/{repo}/pulls/{id}/files"} 2');
    expect(burst.metricsText).toContain(`issue_agent_github_quota_remaining{installation="${INSTALLATION}"} 4200`);
    expect(burst.metricsText).toMatch(/issue_agent_automatic_skipped_total\{kind="security-review",reason="coalesced"\} 98/);
  });
});

describe("review limits", () => {
  it("an author past the hourly review limit gets no more automatic reviews; low quota pauses them", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "burst-"));
    gh = mockGitHub();
    const head = new Map<number, string>();
    mockRepository(gh, head);
    const log = pino({ level: "silent" });
    const env = parseEnv({ APP_SLUG: "issue-agent", AGENT_DATA_DIR: dataDir, AGENT_REVIEWS_PER_AUTHOR_PER_HOUR: "1" });
    const probot = createTestProbot(log);
    const quota = createQuotaTracker({ reserve: 1000 });
    const github = createProbotClientFactory(probot, { observe: (c) => quota.record(c) });
    queue = new EmbeddedQueue({ dataDir, log, concurrency: 1, maxAttempts: 1, graceMs: 1000, pollMs: 20 });
    const handlers = createHandlerTracker();
    await probot.load(createApp({ env, queue, handlers, github, quota }));
    const push = async (number: number, n: number) => {
      const payload = loadWebhook("pull_request.synchronize", { pull_request: { number, head: { sha: sha(number, n) }, user: { login: "Codertocat" } } });
      await probot.receive({ id: randomUUID(), name: "pull_request", payload } as Parameters<Probot["receive"]>[0]);
      await handlers.idle();
    };
    await push(2, 1);
    await push(2, 2); // replaces the waiting review: not counted
    await push(3, 1); // a new run for the same author: over the limit of 1 per hour
    expect(await queue.depth()).toBe(1);
    expect(await queue.waiting("codertocat/hello-world#3", "security-review")).toBe(0);

    quota.record({ installationId: INSTALLATION, endpoint: "GET /x", status: 200, remaining: 10, resetAt: Date.now() + 60_000 });
    await push(2, 3);
    // Paused: the waiting review for the older head stays as it was, nothing new is queued.
    const waiting = await queue.waiting("codertocat/hello-world#2", "security-review");
    expect(waiting).toBe(1);
  });
});
