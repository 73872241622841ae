import { generateKeyPairSync } from "node:crypto";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { CallBudgetExceededError, CONFIG_SCOPE, createProbotClientFactory, endpointLabel, type ObservedCall } from "../../../src/github/client.js";
import { TOKEN_SCOPES } from "../../../src/github/token-scopes.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const probot = new Probot({
  appId: 1,
  privateKey,
  log: pino({ level: "silent" }),
  Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
});

let gh: GitHubMock | undefined;
afterEach(() => {
  gh?.stop();
  gh = undefined;
});

function arrange(): GitHubMock {
  gh = mockGitHub();
  let n = 0;
  gh.on("POST", "/app/installations/7/access_tokens")
    .any()
    .reply(201, () => ({ token: `ghs_scopedTokenNumber${++n}AbCdEfGhIjKlMnOpQrSt`, expires_at: new Date(Date.now() + 3600_000).toISOString() }));
  gh.on("GET", "/repos/o/r")
    .any()
    .reply(200, { id: 99 }, { "x-ratelimit-remaining": "4321", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 600) });
  return gh;
}

describe("createProbotClientFactory", () => {
  it("mints each client's token for exactly one repository and the step's permissions, once per scope", async () => {
    const mock = arrange();
    const factory = createProbotClientFactory(probot);
    const client = await factory.forInstallation(7, TOKEN_SCOPES.review(99));
    await client.rest.repos.get({ owner: "o", repo: "r" });
    await client.rest.repos.get({ owner: "o", repo: "r" });
    await (await factory.forInstallation(7, TOKEN_SCOPES.review(99))).rest.repos.get({ owner: "o", repo: "r" });
    const mints = mock.callsTo("POST", "/app/installations/7/access_tokens");
    expect(mints.map((c) => c.json)).toEqual([
      { repository_ids: [99], permissions: { pull_requests: "write", issues: "write", checks: "write", contents: "read", metadata: "read" } },
    ]);
    const [call] = mock.callsTo("GET", "/repos/o/r");
    expect(call?.headers.authorization).toBe("token ghs_scopedTokenNumber1AbCdEfGhIjKlMnOpQrSt");
  });

  it("gives git its own contents-only token, and config reads a contents:read token", async () => {
    const mock = arrange();
    const factory = createProbotClientFactory(probot);
    await factory.installationToken(7, TOKEN_SCOPES.gitRead(99));
    await factory.installationToken(7, TOKEN_SCOPES.gitPush(99));
    await (await factory.forInstallation(7, CONFIG_SCOPE)).rest.repos.get({ owner: "o", repo: "r" });
    expect(mock.callsTo("POST", "/app/installations/7/access_tokens").map((c) => c.json)).toEqual([
      { repository_ids: [99], permissions: { contents: "read" } },
      { repository_ids: [99], permissions: { contents: "write" } },
      { permissions: { contents: "read" } },
    ]);
  });

  it("reports every call's route and the installation's quota, and stops a client past its call budget", async () => {
    arrange();
    const seen: ObservedCall[] = [];
    const factory = createProbotClientFactory(probot, { observe: (c) => seen.push(c) });
    const budget = { max: 2, used: 0 };
    const client = await factory.forInstallation(7, TOKEN_SCOPES.handler(99), { budget });
    await client.rest.repos.get({ owner: "o", repo: "r" });
    await client.rest.repos.get({ owner: "o", repo: "r" });
    await expect(client.rest.repos.get({ owner: "o", repo: "r" })).rejects.toBeInstanceOf(CallBudgetExceededError);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ installationId: 7, endpoint: "GET /repos/{owner}/{repo}", status: 200, remaining: 4321, limit: 5000 });
  });

  it("labels paginated absolute URLs without ids or queries", () => {
    expect(endpointLabel("get", "https://api.github.com/repositories/123/pulls/5/files?page=2")).toBe("GET /repositories/{id}/pulls/{id}/files");
    expect(endpointLabel("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")).toBe("POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(endpointLabel("GET", "/repos/octo/app/pulls/5/files?per_page=100")).toBe("GET /repos/{owner}/{repo}/pulls/{id}/files");
  });
});
