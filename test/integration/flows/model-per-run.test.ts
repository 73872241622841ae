import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { mockCommonCalls, REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";

const ALLOWED = { AGENT_ALLOWED_MODELS: "gpt-5-mini, gpt-5-codex" };

describe("model per run", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function start(env: Record<string, string>) {
    h = await startFlowHarness({ files: { "README.md": "# demo\n" }, script: [{ text: "Title: Nothing\n\nNothing to change." }], env });
    const { gh } = h;
    gh.on("GET", `${REPO_PATH}/issues/1`)
      .any()
      .reply(200, { number: 1, title: "T", body: "B", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).any().reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    return h;
  }

  const comment = (harness: FlowHarness, body: string) =>
    harness.receive(
      "issue_comment",
      loadWebhook("issue_comment.created", { comment: { body }, repository: { clone_url: harness.cloneUrl, default_branch: "main" } }),
    );

  it("`/agent fix --model NAME` from the allowlist runs on that model, shown with its price in the status comment", async () => {
    const harness = await start(ALLOWED);
    harness.gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 7001, body: c.json.body }));
    mockCommonCalls(harness.gh);
    await comment(harness, "/agent fix --model gpt-5-mini keep it short");
    const [done] = await harness.waitForJobs(1);
    expect(done?.outcome).toBe("no_changes");
    expect(harness.model.requests.map((r) => (r.body as { model?: string }).model)).toEqual(["gpt-5-mini"]);
    expect(JSON.stringify(harness.model.requests[0]?.body)).toContain("keep it short");
    expect(JSON.stringify(harness.model.requests[0]?.body)).not.toContain("--model");
    const last = harness.gh.callsTo("PATCH", /\/issues\/comments\/7001$/).at(-1)?.json.body as string;
    expect(last).toContain("model `gpt-5-mini` ($0.25 in / $2.00 out per 1M tokens)");
    harness.gh.assertDone();
  });

  it("a model outside the allowlist is refused with a reply listing the allowed ones; nothing is queued", async () => {
    const harness = await start(ALLOWED);
    harness.gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 7002, body: c.json.body }));
    mockCommonCalls(harness.gh);
    await comment(harness, "/agent fix --model=o3-pro-expensive do it");
    const replies = harness.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`).map((c) => c.json.body as string);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/`o3-pro-expensive` is not allowed here[\s\S]*`gpt-5-mini`, `gpt-5-codex`/);
    expect(harness.finished).toHaveLength(0);
    expect(harness.model.requests).toHaveLength(0);
    harness.gh.assertDone();
  });

  it("without AGENT_ALLOWED_MODELS, --model is refused and says how the operator enables it", async () => {
    const harness = await start({});
    harness.gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 7003, body: c.json.body }));
    mockCommonCalls(harness.gh);
    await comment(harness, "/agent fix --model gpt-5-codex");
    const replies = harness.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`).map((c) => c.json.body as string);
    expect(replies[0]).toMatch(/not enabled[\s\S]*AGENT_ALLOWED_MODELS/);
    expect(harness.model.requests).toHaveLength(0);
  });

  it("the label `agent:NAME` picks an allowed model; an unknown one gets the same refusal", async () => {
    const harness = await start(ALLOWED);
    harness.gh
      .on("POST", `${REPO_PATH}/issues/1/comments`)
      .times(2)
      .reply(201, (c) => ({ id: 7004, body: c.json.body }));
    harness.gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent%3Agpt-5-mini`).reply(200, []);
    mockCommonCalls(harness.gh);
    await harness.receive(
      "issues",
      loadWebhook("issues.labeled", { label: { name: "agent:gpt-5-mini" }, repository: { clone_url: harness.cloneUrl, default_branch: "main" } }),
    );
    const [done] = await harness.waitForJobs(1);
    expect(done?.outcome).toBe("no_changes");
    expect((harness.model.requests[0]?.body as { model?: string }).model).toBe("gpt-5-mini");

    await harness.receive(
      "issues",
      loadWebhook("issues.labeled", { label: { name: "agent:gpt-4o" }, repository: { clone_url: harness.cloneUrl, default_branch: "main" } }),
    );
    const replies = harness.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`).map((c) => c.json.body as string);
    expect(replies.at(-1)).toMatch(/`gpt-4o` is not allowed here/);
    expect(harness.finished).toHaveLength(1);
    harness.gh.assertDone();
  });
});
