import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { APP_SLUG, mockCommonCalls, REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";

const FILES = { "README.md": "# demo\n" };
const AGENT_YML = /\/contents\/\.github(%2F|\/)agent\.yml$/;

describe("who may trigger", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  function labeled(harness: FlowHarness, sender: { login: string; id: number; type: string }) {
    return loadWebhook("issues.labeled", { label: { name: "agent" }, sender, repository: { clone_url: harness.cloneUrl, default_branch: "main" } });
  }

  it("a read-only user gets one polite refusal, and no job, clone or model call", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    h.gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 1, body: c.json.body }));
    mockCommonCalls(h.gh, { permission: { mallory: "read" } });

    await h.receive("issues", labeled(h, { login: "mallory", id: 666, type: "User" }));
    await h.receive("issues", labeled(h, { login: "mallory", id: 666, type: "User" }));

    const refusals = h.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`);
    expect(refusals).toHaveLength(1); // the second trigger is not answered again
    expect(refusals[0]?.json.body).toMatch(/Only people with \*\*write\*\* access/);
    expect(await h.queue.depth()).toBe(0);
    expect(h.finished).toHaveLength(0);
    expect(h.git.requests).toHaveLength(0);
    expect(h.model.requests).toHaveLength(0);
    expect(h.gh.callsTo("POST", /\/reactions$/)).toHaveLength(0);
    h.gh.assertDone();
  });

  it("bots (even named like the app) and the app itself are ignored silently, before any permission lookup", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    mockCommonCalls(h.gh, { permission: {} });

    await h.receive("issues", labeled(h, { login: "evil[bot]", id: 7, type: "Bot" }));
    await h.receive("issues", labeled(h, { login: `${APP_SLUG}[bot]`, id: 8, type: "Bot" }));
    const ownComment = loadWebhook("issue_comment.created", {
      comment: { body: "/agent fix everything", user: { login: `${APP_SLUG}[bot]`, type: "Bot" } },
      sender: { login: `${APP_SLUG}[bot]`, id: 8, type: "Bot" },
    });
    await h.receive("issue_comment", ownComment);

    // Only the config read (and the installation token it needs) happened; the app's own events not even that.
    expect(h.gh.calls.filter((c) => !/\/contents\/|access_tokens$/.test(c.pathname))).toHaveLength(0);
    expect(h.gh.callsTo("GET", /\/contents\//).length).toBeLessThanOrEqual(2);
    expect(h.git.requests).toHaveLength(0);
    expect(h.model.requests).toHaveLength(0);
    expect(await h.queue.depth()).toBe(0);
    h.gh.assertDone();
  });

  it("an edited comment never triggers", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    const edited = loadWebhook("issue_comment.created", { comment: { body: "/agent fix" } });
    await h.receive("issue_comment", { ...edited, action: "edited", changes: { body: { from: "hi" } } });
    expect(h.gh.calls).toHaveLength(0);
    h.gh.assertDone();
  });

  it("an invalid .github/agent.yml -> one comment naming the key, no job", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    h.gh.on("GET", AGENT_YML).any().reply(200, "trigger:\n  labell: agent\nlimits:\n  maxTurns: -3\n");
    h.gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    h.gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 2, body: c.json.body }));
    mockCommonCalls(h.gh);

    await h.receive("issues", labeled(h, { login: "Codertocat", id: 21031067, type: "User" }));

    const body = h.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`)[0]?.json.body as string;
    expect(body).toContain("trigger.labell: unknown key");
    expect(body).toContain("limits.maxTurns");
    expect(await h.queue.depth()).toBe(0);
    expect(h.git.requests).toHaveLength(0);
    h.gh.assertDone();
  });

  it("a label other than the trigger label does nothing", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    mockCommonCalls(h.gh, { permission: {} });
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "bug" } }));
    expect(h.gh.calls.filter((c) => !/\/contents\/|access_tokens$/.test(c.pathname))).toHaveLength(0);
    h.gh.assertDone();
  });

  it("/agent help and an unknown /agent word answer with the commands and the effective config", async () => {
    h = await startFlowHarness({ files: FILES, script: [] });
    h.gh
      .on("POST", `${REPO_PATH}/issues/1/comments`)
      .times(2)
      .reply(201, (c) => ({ id: 3, body: c.json.body }));
    mockCommonCalls(h.gh);
    await h.receive("issue_comment", loadWebhook("issue_comment.created", { comment: { body: "/agent help" } }));
    await h.receive("issue_comment", loadWebhook("issue_comment.created", { comment: { body: "/agent dance @everyone" } }));
    const [help, unknown] = h.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`).map((c) => c.json.body as string);
    expect(help).toMatch(/\/agent fix[\s\S]*\/agent stop[\s\S]*Effective configuration[\s\S]*"minPermission": "write"/);
    expect(unknown).toMatch(/Unknown command `\/agent dance`/);
    expect(unknown).not.toMatch(/(^|\s)@everyone/);
    expect(await h.queue.depth()).toBe(0);
    h.gh.assertDone();
  });
});
