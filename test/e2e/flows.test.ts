/**
 * The flow over real HTTP: signed deliveries to Probot's webhook middleware, answered at once,
 * then the job's effects; the same delivery twice runs once; a bad signature does nothing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";
import { mockCommonCalls, REPO, REPO_PATH, startFlowHarness, type FlowHarness } from "../integration/flows/flow-harness.js";

const FIX = "*** Begin Patch\n*** Add File: FIXED.md\n+fixed\n*** End Patch";

describe("signed webhook deliveries", () => {
  let h: FlowHarness | undefined;
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
    h = undefined;
    server = undefined;
  });

  it("acknowledges quickly, runs the job once for a delivery sent twice, and ignores a forged signature", async () => {
    h = await startFlowHarness({
      files: { "README.md": "# demo\n" },
      script: [{ toolCalls: [{ name: "apply_patch", arguments: { input: FIX } }] }, { text: "Title: Fix it\n\nFixed." }],
    });
    const { gh } = h;
    let nextId = 8000;
    // One status comment: the redelivery is recognised before anything is posted.
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: nextId++, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Fix it", body: "Please.", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    gh.on("POST", `${REPO_PATH}/pulls`).reply(201, { number: 12, html_url: "https://github.com/Codertocat/Hello-World/pull/12" });
    gh.on("POST", /\/issues\/12\/(labels|assignees)$/)
      .any()
      .reply(201, {});
    gh.on("POST", `${REPO_PATH}/pulls/12/requested_reviewers`).any().reply(201, {});
    mockCommonCalls(gh);

    const middleware = await h.probot.getNodeMiddleware();
    server = http.createServer((req, res) => {
      void middleware(req, res);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;

    const payload = loadWebhook("issues.labeled", {
      label: { name: "agent" },
      issue: { title: "Fix it", body: "Please." },
      repository: { clone_url: h.cloneUrl, default_branch: "main" },
    });
    const delivery = await signDelivery("issues", payload, "flow-secret");
    const forged = await signDelivery("issues", payload, "development");

    const bad = await fetch(url, { method: "POST", headers: forged.headers, body: forged.body });
    expect(bad.status).toBeGreaterThanOrEqual(400);

    const t0 = Date.now();
    const first = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
    expect(first.status).toBeLessThan(300);
    expect(Date.now() - t0).toBeLessThan(5000); // acknowledged long before the run ends
    const again = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
    expect(again.status).toBeLessThan(300);

    const [done] = await h.waitForJobs(1);
    expect(done?.outcome).toBe("succeeded");
    expect(h.finished).toHaveLength(1);
    expect(gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`)).toHaveLength(1);
    expect(h.git.git(REPO, ["show", "agent/issue-1-fix-it:FIXED.md"])).toBe("fixed");
    expect(gh.callsTo("POST", `${REPO_PATH}/pulls`)[0]?.json.body).toContain("Closes #1");
    gh.assertDone();
  });
});
