import { waitFor } from "../../helpers/wait-for.js";
import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { mockCommonCalls, REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";

describe("steering", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("/agent <text> during a run reaches the running agent as a user message, not a second run", async () => {
    h = await startFlowHarness({
      files: { "README.md": "# demo\n" },
      script: [
        // A slow command keeps the run busy while the steering comment arrives.
        { toolCalls: [{ name: "shell", arguments: { command: ["bash", "-lc", "sleep 2"] } }] },
        { text: "Title: Nothing\n\nNothing to change." },
      ],
    });
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 6001, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "T", body: "B", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const run = h;
    await waitFor(() => run.model.requests.length > 0, { what: "the agent's first model request", timeoutMs: 10_000 });

    await h.receive(
      "issue_comment",
      loadWebhook("issue_comment.created", { comment: { body: "/agent prefer tabs over spaces STEER-42" }, repository: { clone_url: h.cloneUrl } }),
    );
    const [done] = await h.waitForJobs(1);
    expect(done?.outcome).toBe("no_changes");
    expect(JSON.stringify(h.model.requests.at(-1)?.body)).toContain("STEER-42");
    expect(JSON.stringify(h.model.requests[0]?.body)).not.toContain("STEER-42");
    expect(gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`)).toHaveLength(1); // no second status comment
    gh.assertDone();
  });
});
