import { waitFor } from "../../helpers/wait-for.js";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeScript } from "../../helpers/fake-model.js";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { runAgent } from "../../../src/agent/index.js";
import { MODEL_KEY, mockCommonCalls, REPO, REPO_PATH, startFlowHarness, TOKEN, type FlowHarness, type FlowOptions } from "./flow-harness.js";

const FILES = { "README.md": "# demo\n", ".github/workflows/ci.yml": "on: push\n" };
const AWS_KEY = "AKIAZ3MHQW7XK2PLN4TB";

describe("failures end in the status comment", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A labelled issue whose run is expected to end without a PR. */
  async function runIssue(
    script: FakeScript,
    statusId: number,
    prepare?: (harness: FlowHarness) => void,
    options: Partial<FlowOptions> = {},
  ): Promise<{ outcome: string; status: string }> {
    h = await startFlowHarness({ files: FILES, script, ...options });
    prepare?.(h);
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: statusId, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Do it", body: "Please.", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const [done] = await h.waitForJobs(1);
    const status = gh.callsTo("PATCH", new RegExp(`/issues/comments/${statusId}$`)).at(-1)?.json.body as string;
    gh.assertDone();
    const outbound = gh.outboundText();
    expect(outbound).not.toContain(TOKEN);
    expect(outbound).not.toContain(MODEL_KEY);
    expect(status).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace
    return { outcome: String(done?.outcome), status };
  }

  it("model failure -> explained failure comment, no PR", async () => {
    const r = await runIssue([{ error: { status: 401, message: "invalid api key" } }], 4001);
    expect(r.outcome).toBe("failed");
    expect(r.status).toMatch(/Failed[\s\S]*(model|agent could not finish)/i);
    expect(h?.git.git(REPO, ["branch", "--list"])).not.toContain("agent/");
  });

  it("a model priced only by AGENT_MODEL_PRICES stops at the per-run USD budget", async () => {
    // 100k input tokens at $10/M = $1 per turn; the budget is $2.50, so the third turn is the last.
    const turn = { toolCalls: [{ name: "shell", arguments: { command: ["true"] } }], usage: { input: 100_000, output: 0 } };
    const env = { AGENT_MODEL: "house-model", AGENT_MODEL_PRICES: '{"house-model":{"input":10,"output":30}}', AGENT_MAX_USD_PER_RUN: "2.5" };
    const r = await runIssue([turn, turn, turn, turn, turn, turn], 4009, undefined, { env });
    expect(r.outcome).toBe("budget_exhausted");
    expect(r.status).toMatch(/budget[\s\S]*\$/i);
    expect(h?.model.requests.length).toBeLessThanOrEqual(3);
    expect(h?.git.pushes).toHaveLength(0);
  });

  it("an unreachable model endpoint: the operator's log says why and what it cost; the comment names no host and asks for no context", async () => {
    const r = await runIssue([], 4011, undefined, {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      // One attempt: the retry policy has its own tests, and its back-off would only slow this one.
      deps: (deps) => ({ ...deps, runAgent: (input) => runAgent({ ...input, model: { ...input.model, maxRetries: 0 } }) }),
    });
    expect(r.outcome).toBe("failed");
    expect(r.status).toMatch(/model endpoint could not be reached/);
    expect(r.status).not.toContain("127.0.0.1");
    expect(r.status).not.toMatch(/more context/);
    expect(r.status).toMatch(/operator/);
    const finished = await h?.waitForLog("job finished");
    expect(finished).toMatchObject({
      level: 50,
      outcome: "failed",
      repo: "Codertocat/Hello-World",
      number: 1,
      turns: 1,
      tokens: 0,
      costUsd: 0,
      reason: { code: "model/request-failed" },
    });
    expect(String((finished?.reason as { message: string }).message)).toMatch(/127\.0\.0\.1:9.*connection error/);
    expect(typeof finished?.seconds).toBe("number");
    expect(JSON.stringify(h?.logs)).not.toContain(MODEL_KEY);
  });

  it("a successful run's log line carries the pull request URL, turns, tokens and cost", async () => {
    h = await startFlowHarness({
      files: FILES,
      script: [
        { toolCalls: [{ name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Add File: NOTES.md\n+notes\n*** End Patch" } }] },
        { text: "Title: Notes\n\nAdded notes." },
      ],
    });
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 4012, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Do it", body: "Please.", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    gh.on("POST", `${REPO_PATH}/pulls`).reply(201, { number: 9, html_url: "https://github.com/Codertocat/Hello-World/pull/9", node_id: "PR_9" });
    gh.on("POST", /\/issues\/9\/(labels|assignees)$/)
      .any()
      .reply(201, {});
    gh.on("POST", /\/pulls\/9\/requested_reviewers$/)
      .any()
      .reply(201, {});
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const [done] = await h.waitForJobs(1);
    expect(done?.outcome).toBe("succeeded");
    const finished = await h.waitForLog("job finished");
    expect(finished).toMatchObject({
      level: 30,
      outcome: "succeeded",
      repo: "Codertocat/Hello-World",
      number: 1,
      prUrl: "https://github.com/Codertocat/Hello-World/pull/9",
      turns: 2,
    });
    expect(finished?.tokens).toBeGreaterThan(0);
    expect(finished?.costUsd).toBeGreaterThan(0);
    expect(finished).not.toHaveProperty("reason");
  });

  it("a change adding a secret is not pushed; the status says why without the secret", async () => {
    const patch = `*** Begin Patch\n*** Add File: config.js\n+export const key = "${AWS_KEY}";\n*** End Patch`;
    const r = await runIssue([{ toolCalls: [{ name: "apply_patch", arguments: { input: patch } }] }, { text: "Title: Add config\n\nAdded." }], 4002);
    expect(r.outcome).toBe("failed");
    expect(r.status).toMatch(/secret scan[\s\S]*config\.js/);
    expect(r.status).not.toContain(AWS_KEY);
    expect(h?.git.git(REPO, ["branch", "--list"])).not.toContain("agent/");
    expect(h?.git.pushes).toHaveLength(0);
    expect(h?.gitData.commits).toHaveLength(0); // nor committed through the API
    expect(h?.gh.outboundText()).not.toContain(AWS_KEY);
    // The self-review sent it back first (the scripted model does not fix it; the scan still stops it).
    expect(JSON.stringify(h?.model.requests.at(-1)?.body)).toContain("security review of your own diff");
  });

  it("a FIFO left in the tree by the agent is never opened: the run ends with the reason, nothing pushed", async () => {
    const command = ["bash", "-lc", "mkfifo .gitignore && echo hi > new.txt"];
    const r = await runIssue([{ toolCalls: [{ name: "shell", arguments: { command } }] }, { text: "Title: Add\n\nAdded." }], 4008);
    expect(r.outcome).toBe("failed");
    expect(r.status).toMatch(/cannot be published[\s\S]*\.gitignore[\s\S]*FIFO/);
    expect(h?.git.pushes).toHaveLength(0);
    expect(h?.gitData.commits).toHaveLength(0); // nor committed through the API
  });

  it("a workflow change is refused before push unless allowed, and listed", async () => {
    const patch = "*** Begin Patch\n*** Update File: .github/workflows/ci.yml\n-on: push\n+on: [push, pull_request]\n*** End Patch";
    const r = await runIssue([{ toolCalls: [{ name: "apply_patch", arguments: { input: patch } }] }, { text: "Title: CI\n\nChanged CI." }], 4003);
    expect(r.outcome).toBe("failed");
    expect(r.status).toContain(".github/workflows/ci.yml");
    expect(r.status).toMatch(/allowConfigChanges/);
    expect(h?.git.pushes).toHaveLength(0);
    expect(h?.gitData.commits).toHaveLength(0); // nor committed through the API
  });

  it("no changes -> an explanation and no PR", async () => {
    const r = await runIssue([{ text: "Title: Nothing to do\n\nThe issue is already fixed." }], 4004);
    expect(r.outcome).toBe("no_changes");
    expect(r.status).toMatch(/without changing any files[\s\S]*already fixed/);
  });

  it("/agent stop cancels the running job", async () => {
    h = await startFlowHarness({ files: FILES, script: [{ delayMs: 20_000, text: "Title: late\n\nlate" }] });
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`)
      .times(2)
      .reply(201, (c) => ({ id: 4005, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Slow", body: "Slow.", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const started = Date.now();
    const run = h;
    await waitFor(() => run.model.requests.length > 0, { what: "the agent's first model request", timeoutMs: 15_000 });
    expect(await h.queue.isRunning("codertocat/hello-world#1")).toBe(true);

    await h.receive("issue_comment", loadWebhook("issue_comment.created", { comment: { body: "/agent stop" }, repository: { clone_url: h.cloneUrl } }));
    const [done] = await h.waitForJobs(1);
    expect(done?.outcome).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(15_000);
    const replies = gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`).map((c) => c.json.body as string);
    expect(replies.some((b) => /Stopping 1 run/.test(b))).toBe(true);
    expect(gh.callsTo("PATCH", /\/issues\/comments\/4005$/).at(-1)?.json.body).toMatch(/Stopped/);
    expect(h.git.pushes).toHaveLength(0);
    expect(h.gitData.commits).toHaveLength(0);
    gh.assertDone();
  });

  it.each([
    ["a ruleset (GH013)", "remote: error: GH013: Repository rule violations found for refs/heads/agent/issue-1-do-it.", /rule/i],
    [
      "missing workflows permission",
      "refusing to allow a GitHub App to create or update workflow `.github/workflows/x.yml` without `workflows` permission",
      /workflows/,
    ],
  ])("a push refused by %s is explained", async (_name, stderr, expected) => {
    const patch = "*** Begin Patch\n*** Add File: NOTES.md\n+notes\n*** End Patch";
    const r = await runIssue(
      [{ toolCalls: [{ name: "apply_patch", arguments: { input: patch } }] }, { text: "Title: Notes\n\nAdded notes." }],
      4010,
      (harness) => {
        // The git push path (the API path's refusals: verified-commits.test.ts).
        harness.gh.on("GET", `${REPO_PATH}/contents/.github%2Fagent.yml`).any().reply(200, "pullRequest:\n  commitMethod: git\n");
        harness.git.setHook(REPO, "pre-receive", `#!/bin/sh\necho '${stderr.replace(/'/g, "")}' >&2\nexit 1\n`);
      },
    );
    expect(r.outcome).toBe("failed");
    expect(r.status).toMatch(expected);
    expect(r.status).not.toMatch(/internal error/);
  });
});
