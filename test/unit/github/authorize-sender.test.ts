import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { authorizeSender } from "../../../src/github/authorize-sender.js";
import type { GitHubClient } from "../../../src/github/client.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = () => new Octokit({ auth: "x", request: { retries: 0 } }) as unknown as GitHubClient;
const base = { owner: "o", repo: "r", minPermission: "write" as const, allowedBots: ["renovate[bot]"], appSlug: "issue-agent" };

describe("authorizeSender", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it.each([
    ["admin", true],
    ["maintain", true],
    ["write", true],
    ["triage", false],
    ["read", false],
    ["none", false],
  ] as const)("%s -> allowed=%s (collaborator permission API, not author_association)", async (role, allowed) => {
    gh = mockGitHub();
    gh.permission("o", "r", "alice", role);
    const result = await authorizeSender(octokit(), { ...base, sender: { login: "alice", id: 1, type: "User" } });
    expect(result.allowed).toBe(allowed);
    gh.assertDone();
  });

  it("ignores unlisted bots and the app itself without any API call", async () => {
    gh = mockGitHub();
    expect(await authorizeSender(octokit(), { ...base, sender: { login: "evil[bot]", id: 2, type: "Bot" } })).toMatchObject({
      allowed: false,
      reason: "bot",
      silent: true,
    });
    expect(await authorizeSender(octokit(), { ...base, sender: { login: "issue-agent[bot]", id: 3, type: "Bot" } })).toMatchObject({
      allowed: false,
      reason: "self",
    });
    expect(gh.calls).toHaveLength(0);
  });

  it("allows a listed bot only when it really is a Bot; a User named like it is permission-checked", async () => {
    gh = mockGitHub();
    gh.permission("o", "r", "renovate[bot]", "read");
    expect(await authorizeSender(octokit(), { ...base, sender: { login: "renovate[bot]", id: 4, type: "Bot" } })).toMatchObject({ allowed: true });
    expect(await authorizeSender(octokit(), { ...base, sender: { login: "renovate[bot]", id: 5, type: "User" } })).toMatchObject({
      allowed: false,
      reason: "permission",
    });
    gh.assertDone();
  });
});
