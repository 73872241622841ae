import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { withRepoPorts, type GitHubClient, type TokenScope } from "../../../src/github/client.js";
import { renderMarker } from "../../../src/github/markers.js";
import { encodeMarker } from "../../../src/shared/markers.js";
import { CONFIG_ERROR_MARKER } from "../../../src/github/report-config-error.js";
import { createRepoGitHub } from "../../../src/github/repo-github.js";
import { RepoConfigError } from "../../../src/config/parse-repo-config.js";
import { mockGitHub, type GitHubMock, type RecordedCall } from "../../helpers/mock-github.js";

const BOT = "issue-agent[bot]";
const octokit = () => new Octokit({ auth: "x", request: { retries: 0 } }) as unknown as GitHubClient;
/** `null`: the app has not learnt its login yet. */
const port = (botLogin: string | null = BOT) => createRepoGitHub(octokit(), { owner: "o", repo: "r" }, { botLogin: botLogin ?? undefined });

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  in_reply_to_id?: number;
}

/** Issue comments and review comments of o/r as GitHub would keep them: created by the caller's bot login. */
function fakeComments(gh: GitHubMock, seed: { issue?: FakeComment[]; review?: FakeComment[] } = {}) {
  const issue = [...(seed.issue ?? [])];
  const review = [...(seed.review ?? [])];
  let nextId = 1000;
  const me = { login: BOT, type: "Bot" };
  gh.on("GET", "/repos/o/r/issues/5/comments")
    .any()
    .respond(() => [200, issue]);
  gh.on("POST", "/repos/o/r/issues/5/comments")
    .any()
    .respond((call) => {
      const c = { id: nextId++, body: call.json.body as string, user: me };
      issue.push(c);
      return [201, c];
    });
  gh.on("PATCH", /^\/repos\/o\/r\/issues\/comments\/\d+$/)
    .any()
    .respond((call: RecordedCall) => {
      const c = issue.find((x) => x.id === Number(call.pathname.split("/").at(-1)));
      if (!c) return [404, { message: "Not Found" }];
      c.body = call.json.body as string;
      return [200, c];
    });
  gh.on("GET", "/repos/o/r/pulls/5/comments")
    .any()
    .respond(() => [200, review]);
  gh.on("POST", "/repos/o/r/pulls/5/comments/70/replies")
    .any()
    .respond((call) => {
      const c = { id: nextId++, body: call.json.body as string, user: me, in_reply_to_id: 70 };
      review.push(c);
      return [201, c];
    });
  gh.on("PATCH", /^\/repos\/o\/r\/pulls\/comments\/\d+$/)
    .any()
    .respond((call: RecordedCall) => {
      const c = review.find((x) => x.id === Number(call.pathname.split("/").at(-1)));
      if (!c) return [404, { message: "Not Found" }];
      c.body = call.json.body as string;
      return [200, c];
    });
  return { issue, review };
}

const writes = (gh: GitHubMock) => gh.calls.filter((c) => c.method !== "GET");

describe("createRepoGitHub", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  describe("ensureStatusComment", () => {
    const marker = { kind: "resolve-issue", key: "o/r#5", delivery: "d-1" };

    it("creates the status comment once; a second call edits it, an identical third call writes nothing", async () => {
      gh = mockGitHub();
      const { issue } = fakeComments(gh);
      const gitHub = port();
      const first = await gitHub.ensureStatusComment({ type: "issue", number: 5 }, marker, "queued");
      const second = await gitHub.ensureStatusComment({ type: "issue", number: 5 }, marker, "working");
      const third = await gitHub.ensureStatusComment({ type: "issue", number: 5 }, marker, "working");
      expect([first.action, second.action, third.action]).toEqual(["created", "updated", "unchanged"]);
      expect(second.commentId).toBe(first.commentId);
      expect(issue).toHaveLength(1);
      expect(issue[0]?.body).toBe(`working\n\n${renderMarker("status", marker)}`);
      expect(writes(gh).map((c) => c.method)).toEqual(["POST", "PATCH"]);
      gh.assertDone();
    });

    it("keeps one status comment per delivery: another delivery of the same key gets its own", async () => {
      gh = mockGitHub();
      const { issue } = fakeComments(gh);
      const gitHub = port();
      await gitHub.ensureStatusComment({ type: "issue", number: 5 }, marker, "queued");
      await gitHub.ensureStatusComment({ type: "issue", number: 5 }, { ...marker, delivery: "d-2" }, "queued");
      expect(issue).toHaveLength(2);
    });

    it("is idempotent as a reply in a review thread too", async () => {
      gh = mockGitHub();
      const { review } = fakeComments(gh, { review: [{ id: 71, body: "unrelated reply", user: { login: "alice", type: "User" }, in_reply_to_id: 70 }] });
      const gitHub = port();
      const target = { type: "review-thread" as const, pullNumber: 5, inReplyTo: 70 };
      const first = await gitHub.ensureStatusComment(target, marker, "queued");
      const second = await gitHub.ensureStatusComment(target, marker, "failed");
      expect(second).toMatchObject({ commentId: first.commentId, action: "updated" });
      expect(review.filter((c) => c.user.login === BOT)).toHaveLength(1);
    });

    it("never takes a person's comment carrying a copied status marker for the app's", async () => {
      gh = mockGitHub();
      const forged = { id: 9, body: `looks official\n\n${renderMarker("status", marker)}`, user: { login: "mallory", type: "User" } };
      const { issue } = fakeComments(gh, { issue: [forged] });
      const result = await port().ensureStatusComment({ type: "issue", number: 5 }, marker, "queued");
      expect(result.action).toBe("created");
      expect(result.commentId).not.toBe(9);
      expect(issue.find((c) => c.id === 9)?.body).toBe(forged.body);
      expect(gh.callsTo("PATCH", "/repos/o/r/issues/comments/9")).toEqual([]);
    });

    it("with the app's login known, another bot's comment with the marker is not the app's either", async () => {
      gh = mockGitHub();
      const other = { id: 9, body: `x\n\n${renderMarker("status", marker)}`, user: { login: "other-app[bot]", type: "Bot" } };
      fakeComments(gh, { issue: [other] });
      expect((await port().ensureStatusComment({ type: "issue", number: 5 }, marker, "queued")).action).toBe("created");
      expect(gh.callsTo("PATCH", "/repos/o/r/issues/comments/9")).toEqual([]);
    });

    it("while the app's login is unknown, trusts a bot's marker but still never a person's", async () => {
      gh = mockGitHub();
      const person = { id: 8, body: `x\n\n${renderMarker("status", marker)}`, user: { login: "mallory", type: "User" } };
      const bot = { id: 9, body: `x\n\n${renderMarker("status", marker)}`, user: { login: BOT, type: "Bot" } };
      fakeComments(gh, { issue: [person, bot] });
      expect(await port(null).ensureStatusComment({ type: "issue", number: 5 }, marker, "queued")).toMatchObject({ commentId: 9, action: "updated" });
      expect(gh.callsTo("PATCH", "/repos/o/r/issues/comments/8")).toEqual([]);
    });
  });

  describe("ensureSecuritySummary", () => {
    const summaryMarker = (sha: string) => encodeMarker("security-summary", { v: 1, pr: 5, sha, open: [], resolved: [] });

    it("creates the summary once and edits the same comment on the second call", async () => {
      gh = mockGitHub();
      const { issue } = fakeComments(gh);
      const body = (sha: string) => `summary of ${sha}\n\n${summaryMarker(sha)}`;
      const gitHub = port();
      const first = await gitHub.ensureSecuritySummary(5, body("aaa"));
      const second = await gitHub.ensureSecuritySummary(5, body("bbb"));
      expect(second).toBe(first);
      expect(issue).toHaveLength(1);
      expect(issue[0]?.body).toContain("summary of bbb");
    });

    it("does not edit a person's comment that carries a summary marker", async () => {
      gh = mockGitHub();
      const forged = {
        id: 9,
        body: `our summary, honest\n\n${summaryMarker("a")}`,
        user: { login: "mallory", type: "User" },
      };
      const { issue } = fakeComments(gh, { issue: [forged] });
      const id = await port().ensureSecuritySummary(5, "summary");
      expect(id).not.toBe(9);
      expect(issue).toHaveLength(2);
      expect(gh.callsTo("PATCH", "/repos/o/r/issues/comments/9")).toEqual([]);
    });

    it("skips the listing when the caller already looked the summary up", async () => {
      gh = mockGitHub();
      gh.on("PATCH", "/repos/o/r/issues/comments/44").reply(200, { id: 44 });
      expect(await port().ensureSecuritySummary(5, "summary", { id: 44, marker: null })).toBe(44);
      gh.assertDone();
    });
  });

  describe("ensurePullRequest", () => {
    it("opens the PR for a branch once; the second call updates that PR", async () => {
      gh = mockGitHub();
      const prs: { number: number; html_url: string; title: string; body: string; head: { ref: string } }[] = [];
      gh.on("GET", "/repos/o/r/pulls")
        .any()
        .respond((call) => [200, call.query.get("head") === "o:agent/issue-5-fix" ? prs : []]);
      gh.on("POST", "/repos/o/r/pulls").respond((call) => {
        const pr = { number: 12, html_url: "https://github.com/o/r/pull/12", title: call.json.title, body: call.json.body, head: { ref: call.json.head } };
        prs.push(pr);
        return [201, pr];
      });
      gh.on("PATCH", "/repos/o/r/pulls/12").respond((call) => [200, { ...prs[0], ...call.json }]);
      const gitHub = port();
      const params = { head: "agent/issue-5-fix", base: "main", title: "Fix #5", body: "first", draft: false };
      const first = await gitHub.ensurePullRequest(params);
      const second = await gitHub.ensurePullRequest({ ...params, body: "second" });
      expect(first).toEqual({ number: 12, url: "https://github.com/o/r/pull/12", created: true });
      expect(second).toEqual({ number: 12, url: "https://github.com/o/r/pull/12", created: false });
      expect(gh.callsTo("POST", "/repos/o/r/pulls")).toHaveLength(1);
      expect(gh.callsTo("PATCH", "/repos/o/r/pulls/12")[0]?.json).toMatchObject({ body: "second" });
      gh.assertDone();
    });
  });

  describe("ensureLabel", () => {
    it("creates the label, then finds it there", async () => {
      gh = mockGitHub();
      let exists = false;
      gh.on("POST", "/repos/o/r/labels")
        .times(2)
        .respond(() => {
          if (exists) return [422, { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] }];
          exists = true;
          return [201, { name: "agent" }];
        });
      const gitHub = port();
      expect([await gitHub.ensureLabel("agent"), await gitHub.ensureLabel("agent")]).toEqual(["created", "exists"]);
      gh.assertDone();
    });
  });

  describe("reportConfigError", () => {
    it("edits only the app's own config-error comment, not another bot's with the same marker", async () => {
      gh = mockGitHub();
      const other = { id: 9, body: `copied\n\n${CONFIG_ERROR_MARKER}`, user: { login: "other-app[bot]", type: "Bot" } };
      const { issue } = fakeComments(gh, { issue: [other] });
      const gitHub = port();
      const error = new RepoConfigError([".github/agent.yml"], ["trigger.label: expected string"]);
      expect((await gitHub.reportConfigError(5, error)).action).toBe("created");
      expect((await gitHub.reportConfigError(5, error)).action).toBe("unchanged");
      expect(issue).toHaveLength(2);
      expect(issue[0]?.body).toBe(other.body);
    });
  });

  describe("the bound repository", () => {
    it("sends every call to its own repository, whatever owner/repo a status ref carries", async () => {
      gh = mockGitHub();
      for (const method of ["GET", "POST", "PATCH", "DELETE"])
        gh.on(method, () => true)
          .any()
          .reply(200, { id: 1, head: { ref: "x", sha: "s" }, state: "open" });
      const gitHub = port();
      const foreign = { target: { type: "issue" as const, owner: "victim", repo: "secrets", number: 1 }, commentId: 3 };
      await gitHub.updateStatusComment(foreign, "text");
      await gitHub.setStatus(foreign, { title: "t", phase: "queued" }, { key: "k" });
      await gitHub.deleteStatusComment(foreign);
      await gitHub.postComment(1, "hi");
      await gitHub.addEyesReaction({ type: "issue-comment", commentId: 3 });
      await gitHub.replyInReviewThread(2, 3, "reply");
      await gitHub.getPullRequestHead(2);
      await gitHub.removeLabel(1, "agent");
      await gitHub.permissionOf("alice");
      expect(gh.calls.length).toBeGreaterThanOrEqual(9);
      for (const call of gh.calls) expect(call.pathname).toMatch(/^\/repos\/o\/r\//);
    });

    it("asks a person's permission once per port", async () => {
      gh = mockGitHub();
      gh.on("GET", "/repos/o/r/collaborators/alice/permission").reply(200, { permission: "write", role_name: "write" });
      const gitHub = port();
      expect([await gitHub.permissionOf("alice"), await gitHub.permissionOf("Alice")]).toEqual(["write", "write"]);
      gh.assertDone();
    });
  });

  describe("the app's identity", () => {
    it("recognises the app by its login and its app slug, and nothing while the login is unknown", () => {
      gh = mockGitHub();
      const gitHub = port();
      expect(gitHub.isSelf({ login: "Issue-Agent[bot]", type: "Bot" })).toBe(true);
      expect(gitHub.isSelf({ login: "issue-agent", type: "User" })).toBe(false);
      expect(gitHub.isSelf(null)).toBe(false);
      expect(gitHub.isOwnApp({ slug: "issue-agent" })).toBe(true);
      expect(gitHub.isOwnApp({ slug: "github-actions" })).toBe(false);
      const unknown = port(null);
      expect(unknown.isSelf({ login: BOT, type: "Bot" })).toBe(false);
      expect(unknown.isOwnApp({ slug: "issue-agent" })).toBe(false);
    });

    it("refuses the app's own events silently without asking GitHub", async () => {
      gh = mockGitHub();
      const auth = await port().authorizeSender({ login: BOT, id: 1, type: "Bot" }, { minPermission: "write", allowedBots: [] });
      expect(auth).toEqual({ allowed: false, reason: "self", silent: true });
      expect(gh.calls).toEqual([]);
    });
  });

  describe("GitHubClientFactory.forRepo", () => {
    it("mints the client for the scope it is given and binds the port to the repository and the app's login", async () => {
      gh = mockGitHub();
      gh.on("GET", "/repos/o/r/pulls/2").reply(200, { state: "open", user: { login: BOT, type: "Bot" }, head: { ref: "agent/x", sha: "abc" } });
      const scopes: TokenScope[] = [];
      const factory = withRepoPorts({ forInstallation: async (_id, scope) => (scopes.push(scope), octokit()), installationToken: async () => "t" }, () => BOT);
      const scope: TokenScope = { repositoryIds: [7], permissions: { pull_requests: "read" } };
      const gitHub = await factory.forRepo(1, scope, { owner: "o", repo: "r" });
      const pr = await gitHub.getPullRequestHead(2);
      expect(scopes).toEqual([scope]);
      expect(gitHub.isSelf(pr.author)).toBe(true);
      expect((await factory.forRepo(1, scope, { owner: "o", repo: "r" }, { botLogin: "other[bot]" })).isSelf(pr.author)).toBe(false);
      gh.assertDone();
    });
  });
});

describe("ensureSecurityCheckRun", () => {
  let gh: GitHubMock;
  afterEach(() => gh.stop());

  it("creates the check run on the commit once; a second call edits it, and another app's run of that name is left alone", async () => {
    gh = mockGitHub();
    const runs: { id: number; name: string; app: { slug: string }; conclusion?: string }[] = [
      { id: 1, name: "issue-agent/security", app: { slug: "impostor" }, conclusion: "success" },
    ];
    gh.on("GET", "/repos/o/r/commits/abc/check-runs")
      .any()
      .respond(() => [200, { total_count: runs.length, check_runs: runs }]);
    gh.on("POST", "/repos/o/r/check-runs").respond((call) => {
      const run = { id: 2, name: call.json.name as string, app: { slug: "issue-agent" }, conclusion: call.json.conclusion as string };
      runs.push(run);
      return [201, run];
    });
    gh.on("PATCH", "/repos/o/r/check-runs/2").respond((call) => [200, { ...runs[1], conclusion: call.json.conclusion }]);
    const gitHub = createRepoGitHub(octokit(), { owner: "o", repo: "r" }, { botLogin: BOT });
    const params = { headSha: "abc", title: "t", summary: "s", annotations: [] };
    expect(await gitHub.ensureSecurityCheckRun({ ...params, conclusion: "failure" })).toBe(2);
    expect(await gitHub.ensureSecurityCheckRun({ ...params, conclusion: "success" })).toBe(2);
    expect(gh.callsTo("GET", "/repos/o/r/commits/abc/check-runs")[0]?.query.get("check_name")).toBe("issue-agent/security");
    expect(gh.callsTo("PATCH", "/repos/o/r/check-runs/2")[0]?.json).toMatchObject({ conclusion: "success", status: "completed" });
    expect(gh.callsTo("PATCH", "/repos/o/r/check-runs/1")).toEqual([]);
    gh.assertDone();
  });
});
