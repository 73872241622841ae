import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";

describe("installing the app creates the trigger label", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("installation.created: the label agent.yml names (else `agent`) in every repository given", async () => {
    h = await startFlowHarness({ files: { "README.md": "# demo\n" }, script: [] });
    const { gh } = h;
    gh.on("GET", `${REPO_PATH}/contents/.github%2Fagent.yml`).reply(200, "trigger:\n  label: ai-fix\n");
    gh.on("POST", `${REPO_PATH}/labels`).reply(201, { name: "ai-fix" });
    await h.receive("installation", loadWebhook("installation.created"));
    expect(gh.callsTo("POST", `${REPO_PATH}/labels`).map((c) => c.json)).toEqual([
      expect.objectContaining({ name: "ai-fix", color: expect.any(String), description: expect.any(String) }),
    ]);
    gh.assertDone();
  });

  it("installation_repositories.added: a label that already exists is fine", async () => {
    h = await startFlowHarness({ files: { "README.md": "# demo\n" }, script: [] });
    const { gh } = h;
    gh.on("GET", "/repos/Codertocat/Space/contents/.github%2Fagent.yml").reply(404, { message: "Not Found" });
    gh.on("GET", "/repos/Codertocat/.github/contents/.github%2Fagent.yml").reply(404, { message: "Not Found" });
    gh.on("POST", "/repos/Codertocat/Space/labels").reply(422, {
      message: "Validation Failed",
      errors: [{ resource: "Label", code: "already_exists", field: "name" }],
    });
    await h.receive("installation_repositories", loadWebhook("installation_repositories.added"));
    expect(gh.callsTo("POST", "/repos/Codertocat/Space/labels").map((c) => (c.json as { name: string }).name)).toEqual(["agent"]);
    expect(h.logs.some((l) => l.msg === "installed: trigger labels ensured")).toBe(true);
    gh.assertDone();
  });
});
