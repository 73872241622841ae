import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { withRepoPorts, type GitHubClient, type GitHubClientFactory } from "../../../src/github/client.js";
import { TOKEN_SCOPES } from "../../../src/github/token-scopes.js";
import { createGiveUpHook } from "../../../src/tasks/job-registry.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

describe("createGiveUpHook", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it("ends the status comment of a job the queue gave up on", async () => {
    gh = mockGitHub();
    gh.on("PATCH", "/repos/o/r/issues/comments/77").reply(200, {});
    const octokit = new Octokit({ auth: "x", request: { retries: 0 } }) as unknown as GitHubClient;
    const ports = withRepoPorts({ forInstallation: async () => octokit, installationToken: async () => "t" });
    const opened: unknown[][] = [];
    // Only the port: a bare client from the factory would bypass it.
    const github: GitHubClientFactory = {
      forInstallation: () => Promise.reject(new Error("the give-up hook must write through the repository port")),
      installationToken: ports.installationToken,
      forRepo: (...args) => (opened.push(args), ports.forRepo(...args)),
    };
    const hook = createGiveUpHook(github, (error) => {
      throw error;
    });
    const payload = {
      installationId: 1,
      owner: "o",
      repo: "r",
      repoId: 2,
      cloneUrl: "https://github.com/o/r.git",
      requester: { login: "a", id: 1 },
      triggerAt: "2024-01-01T00:00:00Z",
      instruction: "",
      status: { type: "issue", number: 3, commentId: 77 },
      issueNumber: 3,
      defaultBranch: "main",
    };
    await hook(
      { id: "j", kind: "resolve-issue", key: "o/r#3", deliveryId: "d", payload, attempt: 2, maxAttempts: 2 },
      "The worker stopped during the run (ghs_abcdefghijklmnopqrstuvwxyz0123456789).",
    );
    const body = gh.calls[0]?.json.body as string;
    expect(body).toMatch(/Failed[\s\S]*worker stopped/);
    expect(body).not.toContain("ghs_abcdefghijklmnopqrstuvwxyz0123456789");
    gh.assertDone();
    expect(opened).toEqual([[1, TOKEN_SCOPES.giveUp(2), { owner: "o", repo: "r" }]]);
  });
});
