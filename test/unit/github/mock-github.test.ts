import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = () => new Octokit({ auth: "ghs_test", request: { retries: 0 } });

describe("mockGitHub", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it("answers registered expectations and records the calls", async () => {
    gh = mockGitHub();
    gh.on("POST", "/repos/o/r/issues/1/comments").reply(201, (call) => ({ id: 5, body: call.json.body }));
    const res = await octokit().rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "hello" });
    expect(res.data).toMatchObject({ id: 5, body: "hello" });
    expect(gh.outboundText()).toContain("hello");
    gh.assertDone();
  });

  it("fails assertDone on an unmatched request and on an unused expectation", async () => {
    gh = mockGitHub();
    gh.on("GET", "/repos/o/r").reply(200, {});
    await expect(octokit().rest.issues.get({ owner: "o", repo: "r", issue_number: 2 })).rejects.toMatchObject({ status: 501 });
    expect(() => gh.assertDone()).toThrow(/unmatched request: GET \/repos\/o\/r\/issues\/2[\s\S]*expected GET \/repos\/o\/r 1x, got 0/);
  });

  it("serves permissions and installation tokens", async () => {
    gh = mockGitHub();
    gh.permission("o", "r", "bob", "read");
    const res = await octokit().rest.repos.getCollaboratorPermissionLevel({ owner: "o", repo: "r", username: "bob" });
    expect(res.data.role_name).toBe("read");
    gh.assertDone();
  });
});
