import { afterEach, describe, expect, it } from "vitest";
import { renderMarker } from "../../../src/github/markers.js";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { tokenRequestBody } from "../../../src/github/client.js";
import { TOKEN_SCOPES } from "../../../src/github/token-scopes.js";
import { APP_SLUG, expectLeastPrivilegeTokens, mockCommonCalls, REPO, REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";
import { mockPullRequestReads, pullRequest } from "./pr-fixtures.js";

const AGENT_YML = /\/contents\/\.github(%2F|\/)agent\.yml$/;

describe("autofix on failed checks", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setup(previousAttempts: number) {
    h = await startFlowHarness({
      files: { "README.md": "# demo\n" },
      script: [{ text: "Title: Nothing\n\nThe failure is flaky; nothing to change. CHECK-SEEN" }],
    });
    const headSha = await h.git.commit(REPO, { ref: "refs/heads/agent/issue-5-x", files: { "a.txt": "a\n" } });
    const { gh } = h;
    gh.on("GET", AGENT_YML).any().reply(200, "autofix:\n  enabled: true\n  maxAttempts: 1\n");
    const pr = () => ({
      ...pullRequest(2, headSha, h?.cloneUrl ?? ""),
      user: { login: `${APP_SLUG}[bot]`, type: "Bot" },
      head: { ref: "agent/issue-5-x", sha: headSha, repo: { full_name: "Codertocat/Hello-World", clone_url: h?.cloneUrl } },
    });
    const prior = Array.from({ length: previousAttempts }, (_, i) => ({
      id: 50 + i,
      user: { login: `${APP_SLUG}[bot]`, type: "Bot" },
      body: `x\n${renderMarker("status", { autofix: true, kind: "fix-pr" })}`,
    }));
    gh.on("GET", `${REPO_PATH}/issues/2/comments`).reply(200, prior);
    mockPullRequestReads(gh, 2, pr);
    mockCommonCalls(gh, { permission: {} });
    const payload = loadWebhook("check_run.completed", {
      check_run: { head_sha: headSha, conclusion: "failure", output: { title: "Lint failed", summary: "src/a.ts:1 missing semicolon" } },
      repository: { clone_url: h.cloneUrl },
    });
    return { payload, gh };
  }

  it("a failed check on the app's own PR starts one fix-pr run with the check's output", async () => {
    const { payload, gh } = await setup(0);
    gh.on("POST", `${REPO_PATH}/issues/2/comments`).reply(201, (c) => ({ id: 7001, body: c.json.body }));
    gh.on("POST", "/graphql").reply(200, { data: { repository: { pullRequest: { reviewThreads: { nodes: [] } } } } });
    // A GitHub Actions check: its job log's tail reaches the agent, without the timestamps.
    gh.on("GET", `${REPO_PATH}/actions/jobs/${payload.check_run.id}/logs`).reply(
      200,
      "2026-11-21T10:00:00.1234567Z npm test\n2026-11-21T10:00:01.0000000Z AssertionError: expected 3 to be 4\n",
      { "content-type": "text/plain" },
    );
    await h?.receive("check_run", payload);
    const [done] = (await h?.waitForJobs(1)) ?? [];
    expect(done?.job.kind).toBe("fix-pr");
    expect(done?.outcome).toBe("no_changes");
    const sent = JSON.stringify(h?.model.requests[0]?.body);
    expect(sent).toContain("missing semicolon");
    expect(sent).toContain("AssertionError: expected 3 to be 4");
    expect(sent).not.toContain("2026-11-21T10:00:01");
    // The log was read with a token of its own: actions:read on this repository, nothing else.
    expect(expectLeastPrivilegeTokens(gh, 186853002)).toContainEqual(tokenRequestBody(TOKEN_SCOPES.actionsLog(186853002)));
    gh.assertDone();
  });

  it("goes on with the check's own output when the job log cannot be read (no actions permission)", async () => {
    const { payload, gh } = await setup(0);
    gh.on("POST", `${REPO_PATH}/issues/2/comments`).reply(201, (c) => ({ id: 7002, body: c.json.body }));
    gh.on("POST", "/graphql").reply(200, { data: { repository: { pullRequest: { reviewThreads: { nodes: [] } } } } });
    gh.on("GET", `${REPO_PATH}/actions/jobs/${payload.check_run.id}/logs`).reply(403, { message: "Resource not accessible by integration" });
    await h?.receive("check_run", payload);
    const [done] = (await h?.waitForJobs(1)) ?? [];
    expect(done?.outcome).toBe("no_changes");
    expect(JSON.stringify(h?.model.requests[0]?.body)).toContain("missing semicolon");
    gh.assertDone();
  });

  it("stops after autofix.maxAttempts", async () => {
    const { payload, gh } = await setup(1);
    await h?.receive("check_run", payload);
    expect(await h?.queue.depth()).toBe(0);
    expect(h?.finished).toHaveLength(0);
    expect(gh.callsTo("POST", /\/comments$/)).toHaveLength(0);
  });
});
