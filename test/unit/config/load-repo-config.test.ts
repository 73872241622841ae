import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_REPO_CONFIG } from "../../../src/config/repo-config.js";
import { loadRepoConfig, MAX_CONFIG_BYTES } from "../../../src/config/load-repo-config.js";
import { RepoConfigError } from "../../../src/config/parse-repo-config.js";

const API = "https://api.github.com";
const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();

/** Serve a config file the way GitHub does for `Accept: application/vnd.github.raw`. */
function serve(scope: nock.Scope, slug: string, body: string | null, path = ".github/agent.yml"): nock.Scope {
  const interceptor = scope.get(`/repos/${slug}/contents/${encodeURIComponent(path).replace(/%2F/g, "%2F")}`);
  return body === null ? interceptor.reply(404, { message: "Not Found" }) : interceptor.reply(200, body, { "content-type": "text/plain; charset=utf-8" });
}

async function rejection(promise: Promise<unknown>): Promise<RepoConfigError> {
  const error = await promise.then(
    () => new Error("expected the config to be rejected"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RepoConfigError);
  return error as RepoConfigError;
}

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("loadRepoConfig", () => {
  it("returns the defaults when neither the repo nor the owner's .github repo has a file", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", null);
    serve(scope, "octo/.github", null);
    const loaded = await loadRepoConfig(octokit, { owner: "octo", repo: "app" });
    expect(loaded).toEqual({ config: DEFAULT_REPO_CONFIG, files: [] });
  });

  it("reads the default branch only: no ref is ever sent", async () => {
    const scope = nock(API);
    scope
      .get("/repos/octo/app/contents/.github%2Fagent.yml")
      .query((query) => Object.keys(query).length === 0)
      .reply(200, "trigger:\n  label: bot\n", { "content-type": "text/plain; charset=utf-8" });
    const loaded = await loadRepoConfig(octokit, { owner: "octo", repo: "app" });
    expect(loaded.config.trigger.label).toBe("bot");
    expect(loaded.files).toEqual(["octo/app:.github/agent.yml"]);
  });

  it("falls back to the owner's .github repository (org-wide settings)", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", null);
    serve(scope, "octo/.github", "limits:\n  maxTurns: 7\n");
    const loaded = await loadRepoConfig(octokit, { owner: "octo", repo: "app" });
    expect(loaded.config.limits).toEqual({ ...DEFAULT_REPO_CONFIG.limits, maxTurns: 7 });
    expect(loaded.files).toEqual(["octo/.github:.github/agent.yml"]);
  });

  it("deep-merges an _extends base of the same owner under the repo's file", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", "_extends: shared-config\nlimits:\n  maxTurns: 9\nreview:\n  ignorePaths: [docs/**]\n");
    serve(scope, "octo/shared-config", "limits:\n  maxTurns: 50\n  maxUsd: 2\nreview:\n  ignorePaths: [vendor/**, dist/**]\n  minSeverity: high\n");
    const loaded = await loadRepoConfig(octokit, { owner: "octo", repo: "app" });
    expect(loaded.config.limits).toEqual({ ...DEFAULT_REPO_CONFIG.limits, maxTurns: 9, maxUsd: 2 });
    expect(loaded.config.review.minSeverity).toBe("high");
    expect(loaded.config.review.ignorePaths).toEqual(["docs/**"]);
    expect(loaded.files).toEqual(["octo/app:.github/agent.yml", "octo/shared-config:.github/agent.yml"]);
  });

  it("follows an _extends with an explicit owner/repo:path of the same owner", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", "_extends: octo/policies:agents/base.yml\n");
    serve(scope, "octo/policies", "branch:\n  prefix: bots/\n", "agents/base.yml");
    const loaded = await loadRepoConfig(octokit, { owner: "octo", repo: "app" });
    expect(loaded.config.branch.prefix).toBe("bots/");
  });

  it("refuses _extends to another owner without fetching it", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", "_extends: attacker/cfg\n");
    const foreign = nock(API)
      .get(/\/repos\/attacker\//)
      .reply(200, "sandbox:\n  mode: danger-full-access\n");
    const error = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(error.issues).toEqual(["_extends: refers to attacker/cfg, but only repositories owned by octo may be extended"]);
    expect(foreign.isDone()).toBe(false);
    nock.cleanAll();
  });

  it("refuses a malformed _extends value", async () => {
    serve(nock(API), "octo/app", "_extends: [a, b]\n");
    const error = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(error.issues[0]).toMatch(/^_extends: Invalid value \["a","b"\] for _extends/);
  });

  it("refuses a file larger than 64 KiB", async () => {
    serve(nock(API), "octo/app", `# ${"x".repeat(MAX_CONFIG_BYTES)}\n`);
    const error = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(error.issues).toEqual(["(file): is larger than 64 KiB"]);
    expect(error.files).toEqual(["octo/app:.github/agent.yml"]);
  });

  it("refuses a YAML alias bomb", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${"abcdefghij"[i]}: &${"abcdefghij"[i]} [${Array(10)
          .fill(`*${"abcdefghij"[i - 1]}`)
          .join(", ")}]`,
      );
    serve(nock(API), "octo/app", lines.join("\n") + "\n");
    const error = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(error.issues[0]).toMatch(/^\(file\): .*alias/i);
  });

  it("refuses custom YAML tags and invalid YAML with the file named", async () => {
    serve(nock(API), "octo/app", "trigger: !!js/function 'return 1'\n");
    const tagged = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(tagged.issues[0]).toMatch(/^\(file\): invalid YAML: .*tag/i);

    serve(nock(API), "octo/app", "trigger:\n  label: [unclosed\n");
    const broken = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(broken.message).toMatch(/^Invalid octo\/app:\.github\/agent\.yml: \(file\): invalid YAML/);
  });

  it("rejects unknown keys and bad values from the merged files with key paths", async () => {
    const scope = nock(API);
    serve(scope, "octo/app", "_extends: base\ntrigger:\n  lable: agent\n");
    serve(scope, "octo/base", "limits:\n  maxTurns: -3\n");
    const error = await rejection(loadRepoConfig(octokit, { owner: "octo", repo: "app" }));
    expect(error.issues).toEqual(["trigger.lable: unknown key", "limits.maxTurns: Too small: expected number to be >0"]);
    expect(error.files).toEqual(["octo/app:.github/agent.yml", "octo/base:.github/agent.yml"]);
  });

  it("lets a server error through untouched so the job can retry", async () => {
    nock(API).get("/repos/octo/app/contents/.github%2Fagent.yml").reply(502, { message: "Bad Gateway" });
    const error = await loadRepoConfig(octokit, { owner: "octo", repo: "app" }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RepoConfigError);
    expect((error as { status?: number }).status).toBe(502);
  });
});
