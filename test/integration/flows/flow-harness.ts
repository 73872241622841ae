/**
 * End-to-end harness for the GitHub flows: the real Probot app (createApp) receiving fixture
 * webhooks, the embedded job queue and worker, the real agent loop, bubblewrap sandbox and secret
 * scan, a real git server, the scripted model server, and the strict GitHub REST mock.
 * `waitForJobs(n)` resolves when n jobs have finished: no sleeps as synchronisation.
 */
import { waitFor } from "../../helpers/wait-for.js";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { expect } from "vitest";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../../../src/app.js";
import { createHandlerTracker } from "../../../src/handlers/handler-tracker.js";
import { parseEnv, type Env } from "../../../src/config/env.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import type { JobContext, JobOutcome } from "../../../src/jobs/types.js";
import { createJobHandler } from "../../../src/tasks/job-registry.js";
import { createTaskDeps } from "../../../src/tasks/create-task-deps.js";
import type { TaskDeps } from "../../../src/tasks/task-deps.js";
import { createGitDataBackend, installGitData, type GitDataBackend } from "../../helpers/fake-git-data.js";
import { startFakeModel, type FakeModel, type FakeScript } from "../../helpers/fake-model.js";
import type { FixtureFiles } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";
import { FIXTURE_INSTALLATION_ID } from "../../helpers/webhook-fixtures.js";

export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;
export const INSTALLATION_ID = FIXTURE_INSTALLATION_ID;
/** A classic-format installation token: the redactor knows its shape, so leaks are caught. */
export const TOKEN = "ghs_FlowTestTokenAbCdEfGhIjKlMnOpQrStUvWx";
export const MODEL_KEY = "sk-test-flowkey-0123456789abcdefghij";
export const APP_SLUG = "issue-agent";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export interface Finished {
  job: JobContext;
  outcome: JobOutcome | "threw";
}

export interface FlowHarness {
  env: Env;
  gh: GitHubMock;
  git: GitServer;
  /** GitHub's Git Data API over the git server's repository: where `commitMethod: api` commits land. */
  gitData: GitDataBackend;
  model: FakeModel;
  probot: Probot;
  queue: EmbeddedQueue;
  cloneUrl: string;
  finished: Finished[];
  /** Every log line at info and above, parsed (the job logger's `job finished` lines among them). */
  logs: Record<string, unknown>[];
  /** The first log line with this message, once it has been written. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  receive(name: string, payload: unknown, id?: string): Promise<void>;
  waitForJobs(count: number, timeoutMs?: number): Promise<Finished[]>;
  close(): Promise<void>;
}

export interface FlowOptions {
  files: FixtureFiles;
  script: FakeScript;
  env?: Record<string, string>;
  deps?: (deps: TaskDeps) => TaskDeps;
}

export async function startFlowHarness(options: FlowOptions): Promise<FlowHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ia-flow-"));
  const git = await startGitServer({ token: TOKEN });
  const cloneUrl = await git.createBareRepo(REPO, options.files);
  const model = await startFakeModel({ script: options.script });
  const gh = mockGitHub();
  gh.installationToken(INSTALLATION_ID, TOKEN);
  const gitData = createGitDataBackend(git.repoPath(REPO), { bot: `${APP_SLUG}[bot]` });
  installGitData(gh, REPO_PATH, gitData);
  const env = parseEnv({
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: "flow-secret",
    APP_SLUG,
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_API_KEY: MODEL_KEY,
    AGENT_MODEL: "gpt-5-codex",
    AGENT_DATA_DIR: dataDir,
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      if (process.env.FLOW_LOG_LEVEL) process.stderr.write(chunk);
      done();
    },
  });
  const log = pino({ level: process.env.FLOW_LOG_LEVEL ?? "info" }, collect);
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: "flow-secret",
    log,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  const queue = new EmbeddedQueue({ dataDir, log, concurrency: 1, maxAttempts: 1, graceMs: 2000, pollMs: 20 });
  const base = { ...createTaskDeps({ env, probot }), statusIntervalMs: 0 };
  const handler = createJobHandler(options.deps ? options.deps(base) : base);
  const finished: Finished[] = [];
  const waiters: (() => void)[] = [];
  await queue.startWorker(async (job) => {
    let outcome: JobOutcome | "threw" = "threw";
    try {
      outcome = await handler(job);
      return outcome;
    } finally {
      finished.push({ job, outcome });
      for (const w of waiters.splice(0)) w();
    }
  });
  const handlers = createHandlerTracker();
  await probot.load(createApp({ env, queue, handlers, github: base.github, quota: base.quota }));

  return {
    env,
    gh,
    git,
    gitData,
    model,
    probot,
    queue,
    cloneUrl,
    finished,
    logs,
    async waitForLog(msg, timeoutMs = 5000) {
      return waitFor(() => logs.find((l) => l.msg === msg), {
        what: `a "${msg}" log line`,
        timeoutMs,
        detail: () => `log messages: ${logs.map((l) => String(l.msg)).join(" | ")}`,
      });
    },
    async receive(name, payload, id = randomUUID()) {
      await probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
      // Handlers run after the acknowledgement: wait for them, as the tests assert their effects.
      await handlers.idle();
    },
    async waitForJobs(count, timeoutMs = 25_000) {
      const deadline = Date.now() + timeoutMs;
      while (finished.length < count) {
        if (Date.now() > deadline) throw new Error(`waited for ${count} job(s), ${finished.length} finished`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500).unref();
        });
      }
      return finished.slice(0, count);
    },
    async close() {
      await queue.close(1000);
      await model.close();
      await git.close();
      gh.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface MintedScope {
  repository_ids?: number[];
  permissions?: Record<string, string>;
}

/**
 * Every installation token the app asked for during the flow, asserted least-privilege: each names
 * the permissions it needs (never the App's full set) and exactly this repository, except the
 * contents:read token that reads `.github/agent.yml` (it may come from the owner's `.github` repo).
 */
export function expectLeastPrivilegeTokens(gh: GitHubMock, repoId: number): MintedScope[] {
  const scopes = gh.callsTo("POST", /\/access_tokens$/).map((c) => (c.json ?? {}) as MintedScope);
  expect(scopes.length).toBeGreaterThan(0);
  for (const scope of scopes) {
    expect(scope.permissions).toBeDefined();
    if (scope.repository_ids === undefined) expect(scope.permissions).toEqual({ contents: "read" });
    else expect(scope.repository_ids).toEqual([repoId]);
    expect(Object.values(scope.permissions ?? {}).filter((v) => v === "write").length).toBeLessThanOrEqual(3);
  }
  return scopes;
}

/** Default answers for calls most flows make; register test-specific expectations first. */
export function mockCommonCalls(gh: GitHubMock, options: { permission?: Record<string, "admin" | "write" | "read" | "triage" | "none"> } = {}): void {
  const roles: Record<string, "admin" | "write" | "read" | "triage" | "none"> = options.permission ?? { Codertocat: "write" };
  for (const [login, role] of Object.entries(roles)) gh.permission(OWNER, REPO, login, role);
  // Config, AGENTS.md and templates: absent unless a test registered them first.
  gh.on("GET", /\/contents\//)
    .any()
    .reply(404, { message: "Not Found" });
  gh.on("POST", /\/reactions$/)
    .any()
    .reply(201, { id: 1, content: "eyes" });
  // The trigger label is created on a repository's first run (422 already_exists is as good).
  gh.on("POST", `${REPO_PATH}/labels`).any().reply(201, { name: "agent" });
  gh.on("PATCH", new RegExp(`^${REPO_PATH}/issues/comments/\\d+$`))
    .any()
    .reply(200, (call) => ({ id: 1, body: call.json.body }));
  // The run transcript check run on a pushed commit: looked up first (a retried run edits the app's own), then created.
  gh.on("GET", new RegExp(`^${REPO_PATH}/commits/[0-9a-f]{40}/check-runs$`))
    .any()
    .reply(200, { total_count: 0, check_runs: [] });
  gh.on("POST", `${REPO_PATH}/check-runs`)
    .any()
    .reply(201, (call) => ({ id: 555, name: call.json.name, html_url: `https://github.com/${OWNER}/${REPO}/runs/555` }));
}
