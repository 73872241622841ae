/**
 * The flow over real HTTP: signed deliveries to Probot's webhook middleware, answered at once,
 * then the job's effects; the same delivery twice runs once; a bad signature does nothing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";
import { mockCommonCalls, REPO, REPO_PATH, startFlowHarness, type FlowHarness } from "../integration/flows/flow-harness.js";

const FIX = "*** Begin Patch\n*** Add File: FIXED.md\n+fixed\n*** End Patch";

/** The GitHub side of one resolve-issue run on issue #1, opening PR #12. */
function expectOneRun(h: FlowHarness): void {
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
}

describe("signed webhook deliveries: a forged one, then the same signed delivery twice", () => {
  let h: FlowHarness;
  let server: http.Server | undefined;
  const statuses = { forged: 0, first: 0, again: 0 };
  let firstAckMs = Number.POSITIVE_INFINITY;

  beforeAll(async () => {
    h = await startFlowHarness({
      files: { "README.md": "# demo\n" },
      script: [{ toolCalls: [{ name: "apply_patch", arguments: { input: FIX } }] }, { text: "Title: Fix it\n\nFixed." }],
    });
    expectOneRun(h);
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
    const post = (d: typeof delivery) => fetch(url, { method: "POST", headers: d.headers, body: d.body }).then((r) => r.status);

    statuses.forged = await post(forged);
    const t0 = Date.now();
    statuses.first = await post(delivery);
    firstAckMs = Date.now() - t0;
    statuses.again = await post(delivery);
    await h.waitForJobs(1);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
  });

  it("refuses the forged signature", () => {
    expect(statuses.forged).toBeGreaterThanOrEqual(400);
  });

  it("acknowledges the signed delivery long before the run ends", () => {
    expect(statuses.first).toBeLessThan(300);
    expect(firstAckMs).toBeLessThan(5000);
  });

  it("runs the job once for the delivery sent twice, with one status comment", () => {
    expect(statuses.again).toBeLessThan(300);
    expect(h.finished).toHaveLength(1);
    expect(h.finished[0]?.outcome).toBe("succeeded");
    expect(h.gh.callsTo("POST", `${REPO_PATH}/issues/1/comments`)).toHaveLength(1);
  });

  it("pushes the fix and opens a PR closing the issue, with only the expected GitHub calls", () => {
    expect(h.git.git(REPO, ["show", "agent/issue-1-fix-it:FIXED.md"])).toBe("fixed");
    expect(h.gh.callsTo("POST", `${REPO_PATH}/pulls`)[0]?.json.body).toContain("Closes #1");
    h.gh.assertDone();
  });
});
