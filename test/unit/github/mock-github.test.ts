/**
 * The one fake GitHub is strict in both modes: an unexpected request is answered 501 and fails
 * `assertDone`, so does a required expectation never used, and the served mode records the very
 * same calls the in-process mode does.
 */
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { mockGitHub, type GitHubMock, type ServedGitHubMock } from "../../helpers/mock-github.js";

const served: ServedGitHubMock[] = [];
const inProcess: GitHubMock[] = [];
afterEach(async () => {
  for (const gh of served.splice(0)) await gh.close();
  for (const gh of inProcess.splice(0)) gh.stop();
});

const octokit = (gh: GitHubMock) => new Octokit({ auth: "ghs_test", baseUrl: gh.baseUrl, request: { retries: 0 } });

const modes: [string, () => Promise<GitHubMock>][] = [
  [
    "in-process (nock)",
    async () => {
      const gh = mockGitHub("https://api.github.com");
      inProcess.push(gh);
      return gh;
    },
  ],
  [
    "served (HTTP)",
    async () => {
      const gh = await mockGitHub.serve({ pathPrefix: "/api/v3" });
      served.push(gh);
      return gh;
    },
  ],
];

describe.each(modes)("mock-github, %s", (_mode, start) => {
  it("answers an expected request and records it with its parsed body", async () => {
    const gh = await start();
    gh.on("POST", "/repos/o/r/issues/1/comments").reply(201, (call) => ({ id: 7, body: call.json.body }));
    const res = await fetch(`${gh.baseUrl}/repos/o/r/issues/1/comments?per_page=1`, { method: "POST", body: JSON.stringify({ body: "hello" }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 7, body: "hello" });
    expect(gh.calls.map((c) => [c.method, c.path, c.pathname, c.json])).toEqual([
      ["POST", "/repos/o/r/issues/1/comments?per_page=1", "/repos/o/r/issues/1/comments", { body: "hello" }],
    ]);
    expect(gh.outboundText()).toContain("hello");
    gh.assertDone();
  });

  it("answers an Octokit client, which sees a 501 as an error, and fails assertDone on it and on an unused expectation", async () => {
    const gh = await start();
    gh.on("GET", "/repos/o/r").reply(200, {});
    await expect(octokit(gh).rest.issues.get({ owner: "o", repo: "r", issue_number: 2 })).rejects.toMatchObject({ status: 501 });
    expect(() => gh.assertDone()).toThrow(/unmatched request: GET \/repos\/o\/r\/issues\/2[\s\S]*expected GET \/repos\/o\/r 1x, got 0/);
  });

  it("serves permissions", async () => {
    const gh = await start();
    gh.permission("o", "r", "bob", "read");
    const res = await octokit(gh).rest.repos.getCollaboratorPermissionLevel({ owner: "o", repo: "r", username: "bob" });
    expect(res.data.role_name).toBe("read");
    gh.assertDone();
  });

  it("answers an unexpected request 501 and fails assertDone naming it", async () => {
    const gh = await start();
    gh.on("GET", "/app").any().reply(200, { slug: "x" });
    const res = await fetch(`${gh.baseUrl}/repos/o/r/pulls`, { method: "DELETE" });
    expect(res.status).toBe(501);
    expect(gh.unmatched.map((c) => `${c.method} ${c.pathname}`)).toEqual(["DELETE /repos/o/r/pulls"]);
    expect(() => gh.assertDone()).toThrow(/unmatched request: DELETE \/repos\/o\/r\/pulls/);
  });

  it("fails assertDone when a required expectation was used too few times", async () => {
    const gh = await start();
    gh.on("PATCH", /\/issues\/comments\/\d+$/)
      .times(2)
      .reply(200, {});
    expect((await fetch(`${gh.baseUrl}/repos/o/r/issues/comments/3`, { method: "PATCH", body: "{}" })).status).toBe(200);
    expect(() => gh.assertDone()).toThrow(/expected PATCH .*issues.*comments.* 2x, got 1/);
  });

  it("serves stateful answers with respond() and only matches bodies that pass withBody()", async () => {
    const gh = await start();
    const labels = new Set<string>();
    gh.on("POST", "/repos/o/r/labels")
      .withBody((json) => typeof json?.name === "string")
      .any()
      .respond((call) => (labels.has(call.json.name) ? [422, { message: "already_exists" }] : (labels.add(call.json.name), [201, { name: call.json.name }])));
    const post = (body: unknown) => fetch(`${gh.baseUrl}/repos/o/r/labels`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.status);
    expect([await post({ name: "agent" }), await post({ name: "agent" }), await post({ colour: 1 })]).toEqual([201, 422, 501]);
    expect(() => gh.assertDone()).toThrow(/unmatched request: POST \/repos\/o\/r\/labels/);
  });
});

describe("mock-github, served", () => {
  it("lives under its path prefix on 127.0.0.1 and stops answering once closed", async () => {
    const gh = await mockGitHub.serve({ pathPrefix: "/api/v3" });
    served.push(gh);
    expect(gh.baseUrl).toBe(`http://${gh.host}/api/v3`);
    expect(gh.host).toMatch(/^127\.0\.0\.1:\d+$/);
    gh.installationToken(1, "ghs_x");
    const res = await fetch(`${gh.baseUrl}/app/installations/1/access_tokens`, { method: "POST", body: JSON.stringify({ permissions: { issues: "write" } }) });
    expect(await res.json()).toMatchObject({ token: "ghs_x", permissions: { issues: "write" } });
    await gh.close();
    await expect(fetch(`${gh.baseUrl}/app`)).rejects.toThrow();
  });
});
