import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { RepoConfigError } from "../../../src/config/parse-repo-config.js";
import { CONFIG_ERROR_MARKER, renderConfigErrorBody, reportConfigError } from "../../../src/github/report-config-error.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();
const COMMENTS = "/repos/octo/app/issues/7/comments";

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: "Bot" | "User" };
}

/** A tiny stateful issue thread behind the strict GitHub mock. */
function fakeThread(gh: GitHubMock, initial: FakeComment[] = []): FakeComment[] {
  const thread = [...initial];
  gh.on("GET", COMMENTS)
    .any()
    .reply(200, () => thread);
  gh.on("POST", COMMENTS)
    .any()
    .reply(201, (call) => {
      const comment: FakeComment = { id: 100 + thread.length, body: call.json.body, user: { login: "issue-agent[bot]", type: "Bot" } };
      thread.push(comment);
      return comment;
    });
  gh.on("PATCH", /^\/repos\/octo\/app\/issues\/comments\/\d+$/)
    .any()
    .reply(200, (call) => {
      const comment = thread.find((c) => call.pathname.endsWith(`/${c.id}`));
      if (comment) comment.body = call.json.body;
      return comment ?? {};
    });
  return thread;
}

const error = new RepoConfigError(["octo/app:.github/agent.yml"], ["trigger.lable: unknown key", "limits.maxTurns: Too small: expected number to be >0"]);
const params = { owner: "octo", repo: "app", issueNumber: 7, error };

let gh: GitHubMock;
afterEach(() => {
  gh.assertDone();
  gh.stop();
});

describe("reportConfigError", () => {
  it("posts one comment naming the file, each key path and its problem", async () => {
    gh = mockGitHub();
    const thread = fakeThread(gh);
    const result = await reportConfigError(octokit, params);
    expect(result.action).toBe("created");
    expect(thread).toHaveLength(1);
    const body = thread[0]?.body ?? "";
    expect(body).toContain("`octo/app:.github/agent.yml`");
    expect(body).toContain("trigger.lable: unknown key");
    expect(body).toContain("limits.maxTurns: Too small: expected number to be >0");
    expect(body.endsWith(CONFIG_ERROR_MARKER)).toBe(true);
  });

  it("does not post a second comment when the same delivery is handled again", async () => {
    gh = mockGitHub();
    const thread = fakeThread(gh);
    await reportConfigError(octokit, params);
    const again = await reportConfigError(octokit, params);
    expect(again.action).toBe("unchanged");
    expect(thread).toHaveLength(1);
    expect(gh.callsTo("POST", COMMENTS)).toHaveLength(1);
    expect(gh.callsTo("PATCH", /comments\/\d+$/)).toHaveLength(0);
  });

  it("edits its own comment when the problems changed", async () => {
    gh = mockGitHub();
    const thread = fakeThread(gh);
    await reportConfigError(octokit, params);
    const fixedOne = new RepoConfigError(["octo/app:.github/agent.yml"], ["sandbox.mode: Invalid option"]);
    const result = await reportConfigError(octokit, { ...params, error: fixedOne });
    expect(result.action).toBe("updated");
    expect(thread).toHaveLength(1);
    expect(thread[0]?.body).toContain("sandbox.mode: Invalid option");
    expect(thread[0]?.body).not.toContain("trigger.lable");
  });

  it("ignores a user's comment that merely contains the marker", async () => {
    gh = mockGitHub();
    const thread = fakeThread(gh, [{ id: 1, body: `quoting ${CONFIG_ERROR_MARKER}`, user: { login: "mallory", type: "User" } }]);
    const result = await reportConfigError(octokit, params);
    expect(result.action).toBe("created");
    expect(thread[0]?.body).toBe(`quoting ${CONFIG_ERROR_MARKER}`);
    expect(thread).toHaveLength(2);
  });
});

describe("renderConfigErrorBody", () => {
  it("cannot be used to ping people, break the fence or leak a token", () => {
    const hostile = new RepoConfigError(
      ["octo/app:.github/agent.yml"],
      ["@everyone: unknown key", "```\nescaped", "x: ghs_16C7e42F292c6912E7710c838347Ae178B4a"],
    );
    const body = renderConfigErrorBody(hostile);
    expect(body).not.toMatch(/(^|[^\w`])@everyone/);
    expect(body).toContain("````text");
    expect(body).not.toContain("ghs_16C7");
  });
});
