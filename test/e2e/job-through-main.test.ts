/**
 * The whole job through the real entry point: src/main.ts spawned as `npm start` runs it, a signed
 * `issues.labeled` delivery, the embedded queue and in-process worker of that same process, its own
 * installation auth against GHE_HOST (the one fake GitHub, served over HTTP), a clone from and a push to a
 * real git server, the agent driven by a scripted model, and the pull request opened.
 * Unlike test/integration/flows/*, nothing is wired by the test: only the child's environment.
 */
import { waitFor } from "../helpers/wait-for.js";
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mockCommonCalls } from "../integration/flows/flow-harness.js";
import { createGitDataBackend, installGitData, type GitDataBackend } from "../helpers/fake-git-data.js";
import { freePort } from "../helpers/free-port.js";
import { mockGitHub, type RecordedCall, type ServedGitHubMock } from "../helpers/mock-github.js";
import { startFakeModel, type FakeModel } from "../helpers/fake-model.js";
import { gitAsync } from "../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../helpers/git-server.js";
import { FIXTURE_INSTALLATION_ID, loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = path.join(ROOT, "src/main.ts");
const TSX = import.meta.resolve("tsx");
const SECRET = "main-e2e-webhook-secret";
const MODEL_KEY = "sk-test-main-e2e-0123456789abcdefghij";
/** Classic installation-token shape (ghs_ + 36), so the redactor recognises it. */
const TOKEN = "ghs_MainE2eTokenAbCdEfGhIjKlMnOpQrStUv";
const OWNER = "Codertocat";
const REPO = "Hello-World";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const ISSUE = 1;
const PR_NUMBER = 77;
const BRANCH = "agent/issue-1-add-a-greeting-file";
const PATCH = "*** Begin Patch\n*** Add File: GREETING.md\n+hello from the agent\n*** End Patch";
const APP_SLUG = "issue-agent-e2e";
const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

/**
 * The routes of one resolve-issue run on the one fake GitHub (GHE layout, /api/v3), strict: a call
 * the flow makes that is not registered here fails `assertDone`.
 */
function expectResolveIssueRun(gh: ServedGitHubMock, gitData: GitDataBackend): void {
  gh.installationToken(FIXTURE_INSTALLATION_ID, TOKEN);
  // The app learns its slug from GET /app (no APP_SLUG in the environment).
  gh.on("GET", "/app").reply(200, { id: 4242, slug: APP_SLUG, name: "Issue Agent E2E", html_url: `https://github.example/apps/${APP_SLUG}` });
  let nextCommentId = 9000;
  gh.on("POST", `${REPO_PATH}/issues/${ISSUE}/comments`).reply(201, (call) => {
    const id = nextCommentId++;
    return { id, body: call.json?.body, html_url: `https://github.example/${OWNER}/${REPO}/issues/${ISSUE}#issuecomment-${id}` };
  });
  gh.on("DELETE", `${REPO_PATH}/issues/${ISSUE}/labels/agent`).reply(200, []);
  gh.on("GET", `${REPO_PATH}/issues/${ISSUE}`)
    .any()
    .reply(200, {
      number: ISSUE,
      title: "Add a greeting file",
      body: "Please add GREETING.md.",
      state: "open",
      user: { login: OWNER, id: 21031067, type: "User" },
      labels: [{ name: "agent" }],
    });
  gh.on("GET", `${REPO_PATH}/issues/${ISSUE}/comments`).any().reply(200, []);
  let prs: unknown[] = [];
  gh.on("GET", `${REPO_PATH}/pulls`)
    .any()
    .respond(() => [200, prs]);
  gh.on("POST", `${REPO_PATH}/pulls`).reply(201, (call) => {
    const pr = {
      number: PR_NUMBER,
      html_url: `https://github.example/${OWNER}/${REPO}/pull/${PR_NUMBER}`,
      head: { ref: call.json?.head, repo: { full_name: `${OWNER}/${REPO}` } },
      title: call.json?.title,
      body: call.json?.body,
    };
    prs = [pr];
    return pr;
  });
  gh.on("POST", new RegExp(`^${REPO_PATH}/(issues/${PR_NUMBER}/(labels|assignees)|pulls/${PR_NUMBER}/requested_reviewers)$`))
    .any()
    .reply(201, {});
  // The Git Data API over the git server's repository: the commit is made there, as the app.
  installGitData(gh, REPO_PATH, gitData);
  // Config, AGENTS.md, templates absent; reactions; the trigger label; status edits; the transcript check run.
  mockCommonCalls(gh, { permission: { [OWNER]: "admin" } });
}

interface Run {
  git: GitServer;
  gh: ServedGitHubMock;
  gitData: GitDataBackend;
  model: FakeModel;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
  payload: ReturnType<typeof loadWebhook<"issues.labeled">>;
  ack: { status: number; ms: number };
  finalEdit: RecordedCall;
}

const PR_URL = `https://github.example/${OWNER}/${REPO}/pull/${PR_NUMBER}`;
const SUCCEEDED = /"outcome":"succeeded"[^\n]*"msg":"job finished"/;

/** Start the git server, model, fake GitHub and `src/main.ts`, deliver `issues.labeled`, and wait for the job to end. */
async function runWholeJob(wireApi: "responses" | "chat", cleanups: (() => Promise<void> | void)[]): Promise<Run> {
  const workDir = mkdtempSync(path.join(tmpdir(), "ia-main-e2e-"));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
  const git = await startGitServer({ token: TOKEN });
  cleanups.push(() => git.close());
  const cloneUrl = await git.createBareRepo(REPO, { "README.md": "# demo\n" });
  const model = await startFakeModel({
    script: [
      { toolCalls: [{ name: "apply_patch", arguments: { input: PATCH } }] },
      { text: "Title: Add a greeting file\n\nAdded GREETING.md with a friendly line." },
    ],
  });
  cleanups.push(() => model.close());
  const gitData = createGitDataBackend(git.repoPath(REPO), { bot: `${APP_SLUG}[bot]` }); // GitHub authors API commits as the app
  const gh = await mockGitHub.serve({ pathPrefix: "/api/v3" });
  cleanups.push(() => gh.close());
  expectResolveIssueRun(gh, gitData);

  const port = await freePort();
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: workDir,
      APP_ID: "4242",
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: gh.host,
      GHE_PROTOCOL: "http",
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_API_KEY: MODEL_KEY,
      AGENT_WIRE_API: wireApi,
      AGENT_DATA_DIR: path.join(workDir, "data"),
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      NODE_ENV: "test",
      NO_SMEE_SETUP: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const detail = () =>
    `GitHub calls:\n${gh.calls.map((c) => `  ${c.method} ${c.path}`).join("\n")}\nunmatched: ${gh.unmatched.map((c) => `${c.method} ${c.path}`).join(", ")}\nmodel requests: ${model.requests.length}\ngit requests: ${git.requests.map((r) => `${r.method} ${r.service} ${r.status}`).join(", ")}\nchild output (tail):\n${output.slice(-6000)}`;

  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200, {
    what: "/healthz",
    timeoutMs: 20_000,
    intervalMs: 200,
    detail,
  });

  const payload = loadWebhook("issues.labeled", {
    label: { name: "agent" },
    issue: { number: ISSUE, title: "Add a greeting file", body: "Please add GREETING.md.", state: "open" },
    repository: { clone_url: cloneUrl, default_branch: "main" },
    installation: { id: FIXTURE_INSTALLATION_ID },
  });
  const delivery = await signDelivery("issues", payload, SECRET);
  const t0 = Date.now();
  const response = await fetch(`${base}/api/github/webhooks`, { method: "POST", headers: delivery.headers, body: delivery.body });
  const ack = { status: response.status, ms: Date.now() - t0 };

  // The job's last act is the final edit of the status comment, linking the pull request.
  const finalEdit = await waitFor(
    () => gh.calls.find((c) => c.method === "PATCH" && /\/issues\/comments\/\d+$/.test(c.pathname) && String(c.json?.body ?? "").includes(PR_URL)),
    {
      what: "the status comment to link the pull request",
      timeoutMs: 60_000,
      intervalMs: 200,
      detail,
      // A job that finished any other way will not get there: fail now, with its log.
      failed: () => /"msg":"job finished"/.test(output) && !SUCCEEDED.test(output),
    },
  );
  await waitFor(() => SUCCEEDED.test(output), { what: "the job to finish", timeoutMs: 10_000, intervalMs: 200, detail });
  return { git, gh, gitData, model, child, exited, output: () => output, payload, ack, finalEdit };
}

describe.each(["responses", "chat"] as const)("npm start runs a whole job: labelled issue -> clone, agent, API commit, PR (wire API %s)", (wireApi) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let run: Run;
  const bare = () => run.git.repoPath(REPO);
  const statusText = () => String(run.finalEdit.json?.body);
  beforeAll(async () => {
    run = await runWholeJob(wireApi, cleanups);
  }, 75_000);
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("acknowledges the signed delivery within 5 s", () => {
    expect(run.ack.status).toBeGreaterThanOrEqual(200);
    expect(run.ack.status).toBeLessThan(300);
    expect(run.ack.ms).toBeLessThan(5000);
  });

  it("leaves the status comment at Done, linking the pull request and naming the changed file", () => {
    const statusEdits = run.gh.calls.filter((c) => c.method === "PATCH" && c.path === run.finalEdit.path);
    expect(statusEdits.at(-1)).toBe(run.finalEdit); // nothing overwrote the final state
    expect(statusText()).toContain(`### ✅ Done: resolving issue #${ISSUE}`);
    expect(statusText()).toContain(`**Pull request:** ${PR_URL}`);
    expect(statusText()).toContain("`GREETING.md`");
  });

  it("puts the agent's file on agent/issue-1-... on top of main", async () => {
    expect(await gitAsync(bare(), ["show", `${BRANCH}:GREETING.md`])).toContain("hello from the agent");
    expect(await gitAsync(bare(), ["rev-parse", `${BRANCH}~1`])).toBe(await gitAsync(bare(), ["rev-parse", "main"]));
  });

  it("commits through the Git Data API (signed by GitHub, shown as Verified), never with git push", async () => {
    expect(run.git.pushes).toEqual([]);
    expect(run.gitData.commits.map((c) => c.sha)).toEqual([await gitAsync(bare(), ["rev-parse", BRANCH])]);
    expect(statusText()).toContain("Verified");
  });

  it("clones with the installation token and no other credentials", () => {
    // isomorphic-git asks anonymously first; whatever credentials it sent were the installation token's.
    expect(run.git.requests.filter((r) => r.authorization !== undefined && !r.authorized)).toEqual([]);
    expect(run.git.requests.filter((r) => r.status === 200).every((r) => r.authorized)).toBe(true);
  });

  it("opens one pull request from that branch to the default branch, closing the issue", () => {
    const opened = run.gh.callsTo("POST", `${REPO_PATH}/pulls`);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.json).toMatchObject({ head: BRANCH, base: "main", title: "Add a greeting file" });
    expect(String(opened[0]?.json.body)).toContain(`Closes #${ISSUE}`);
  });

  it("mints its installation tokens from GHE_HOST, scoped to the repository", () => {
    const tokenCalls = run.gh.callsTo("POST", /\/access_tokens$/);
    expect(tokenCalls.length).toBeGreaterThan(0);
    expect(tokenCalls.map((c) => c.json?.repository_ids)).toContainEqual([run.payload.repository.id]);
  });

  it("learns its slug from GET /app: the commit is authored by <slug>[bot] and the operator is told", async () => {
    expect(await gitAsync(bare(), ["log", "-1", "--format=%an", BRANCH])).toBe(`${APP_SLUG}[bot]`);
    expect(run.output()).toContain(`app identity: ${APP_SLUG}[bot]`);
  });

  it("ensures the trigger label on this first run in the repository", () => {
    expect(run.gh.callsTo("POST", `${REPO_PATH}/labels`).map((c) => c.json?.name)).toEqual(["agent"]);
  });

  it("logs one 'job finished' line with outcome, repository, issue, PR URL and the two model turns", () => {
    expect(run.model.turnRequests()).toHaveLength(2);
    const finished = run
      .output()
      .split("\n")
      .find((l) => l.includes('"msg":"job finished"'));
    expect(JSON.parse(finished ?? "{}")).toMatchObject({ outcome: "succeeded", repo: `${OWNER}/${REPO}`, number: ISSUE, prUrl: PR_URL, turns: 2 });
  });

  it("makes only the GitHub calls the run is expected to make", () => {
    run.gh.assertDone();
  });

  it("never sends the installation token or the model key to GitHub", () => {
    const posted = run.gh.calls
      .filter((c) => c.method !== "GET" && !c.pathname.endsWith("/access_tokens"))
      .map((c) => c.body)
      .join("\n");
    expect(posted).not.toContain(TOKEN);
    expect(posted).not.toContain(MODEL_KEY);
  });

  // Last: it stops the app.
  it("exits 0 on SIGTERM, and its log never held a token, key, webhook secret or private key", async () => {
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.output()).not.toContain(TOKEN);
    expect(run.output()).not.toContain(MODEL_KEY);
    expect(run.output()).not.toContain(SECRET);
    expect(run.output()).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  });
});
