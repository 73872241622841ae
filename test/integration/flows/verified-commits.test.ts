import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { git, makeTempDir } from "../../helpers/git-fixtures.js";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { APP_SLUG, MODEL_KEY, mockCommonCalls, OWNER, REPO, REPO_PATH, startFlowHarness, TOKEN, type FlowHarness } from "./flow-harness.js";

const FILES = {
  "README.md": "# demo\n",
  "src/old-name.js": "export const x = 1;\n",
  "obsolete.txt": "old\n",
  "legacy/a.txt": "a\n",
  "legacy/b.txt": "b\n",
  "scripts/run.sh": "#!/bin/sh\necho run\n",
  "bin/tool": { content: "#!/bin/sh\necho tool\n", executable: true },
};
/** Rename, delete (a file and a whole directory), set and clear executable bits, add a binary and a nested file. */
const CHANGE = [
  "mv src/old-name.js src/new-name.js",
  "rm obsolete.txt",
  "rm -r legacy",
  "chmod +x scripts/run.sh",
  "chmod -x bin/tool",
  "printf '\\211PNG\\r\\n\\032\\n\\000\\377\\376binary' > logo.png",
  "mkdir -p docs/deep && echo hi > docs/deep/new.md",
  "echo '// edited' >> README.md",
].join(" && ");
const BRANCH = "agent/issue-1-spelling-error-in-the-readme-file";

describe("verified commits through GitHub's Git Data API", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function runIssue(options: { agentYml?: string; prepare?: (h: FlowHarness) => void } = {}) {
    h = await startFlowHarness({
      files: FILES,
      script: [{ toolCalls: [{ name: "shell", arguments: { command: ["bash", "-c", CHANGE] } }] }, { text: "Title: Reorganise\n\nMoved things around." }],
    });
    const { gh } = h;
    options.prepare?.(h);
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 5001, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Do it", body: "Please.", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    if (options.agentYml) gh.on("GET", `${REPO_PATH}/contents/.github%2Fagent.yml`).any().reply(200, options.agentYml);
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const [done] = await h.waitForJobs(1);
    const status = gh.callsTo("PATCH", /\/issues\/comments\/5001$/).at(-1)?.json.body as string;
    return { outcome: done?.outcome, status };
  }

  function mockPullRequestCreation(harness: FlowHarness): void {
    harness.gh
      .on("POST", `${REPO_PATH}/pulls`)
      .reply(201, (c) => ({ number: 8, head: { ref: c.json.head }, html_url: `https://github.com/${OWNER}/${REPO}/pull/8` }));
    harness.gh.on("POST", `${REPO_PATH}/issues/8/assignees`).reply(201, {});
    harness.gh.on("POST", `${REPO_PATH}/pulls/8/requested_reviewers`).reply(201, {});
  }

  /** The tree native git makes of the same change on a checkout of main. */
  function expectedTree(harness: FlowHarness): string {
    const work = makeTempDir("ia-expected-");
    try {
      git(work, ["clone", "-q", "--branch", "main", harness.git.repoPath(REPO), "."]);
      execFileSync("bash", ["-c", CHANGE], { cwd: work });
      git(work, ["add", "-A"]);
      return git(work, ["write-tree"]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  it("commits the agent's change as the app (no custom author, so GitHub signs it): tree equal to the workspace's, modes and binary kept, co-author trailer, nothing pushed with git", async () => {
    const { outcome, status } = await runIssue({ prepare: mockPullRequestCreation });
    expect(outcome).toBe("succeeded");
    const harness = h!;
    expect(harness.git.pushes).toHaveLength(0);
    expect(harness.gitData.commits).toHaveLength(1);
    const [commit] = harness.gitData.commits;
    expect(commit?.customIdentity).toBe(false);
    expect(commit?.parents).toEqual([harness.git.git(REPO, ["rev-parse", "main"])]);
    expect(commit?.message).toMatch(/^Reorganise\n\nResolves #1\.\n\nCo-authored-by: Codertocat <\d+\+Codertocat@users\.noreply\.github\.com>\n$/);

    expect(harness.git.git(REPO, ["rev-parse", BRANCH])).toBe(commit?.sha);
    expect(harness.git.git(REPO, ["rev-parse", `${BRANCH}^{tree}`])).toBe(expectedTree(harness));
    const tree = harness.git.git(REPO, ["ls-tree", "-r", BRANCH]);
    expect(tree).toMatch(/^100755 blob \w+\tscripts\/run\.sh$/m);
    expect(tree).toMatch(/^100644 blob \w+\tbin\/tool$/m);
    expect(tree).not.toMatch(/legacy|obsolete|old-name/);
    const png = execFileSync("git", ["cat-file", "blob", `${BRANCH}:logo.png`], { cwd: harness.git.repoPath(REPO) });
    expect(png.equals(Buffer.from("\x89PNG\r\n\x1a\n\x00\xff\xfebinary", "latin1"))).toBe(true);
    // The rename needed no upload: GitHub already had that blob.
    expect(harness.gitData.blobs).not.toContain(harness.git.git(REPO, ["rev-parse", "main:src/old-name.js"]));
    expect(harness.git.git(REPO, ["diff", "--name-status", "-M", "main", BRANCH])).toContain("R100\tsrc/old-name.js\tsrc/new-name.js");

    expect(status).toMatch(/GitHub signed it \(Verified\)/);
    harness.gh.assertDone();
    expect(harness.gh.outboundText()).not.toContain(TOKEN);
    expect(harness.gh.outboundText()).not.toContain(MODEL_KEY);
    expect(`${APP_SLUG}[bot]`).toBe("issue-agent[bot]");
  });

  it("`pullRequest.commitMethod: git` keeps the git push, and says the commit is not signed", async () => {
    const { outcome, status } = await runIssue({ agentYml: "pullRequest:\n  commitMethod: git\n", prepare: mockPullRequestCreation });
    expect(outcome).toBe("succeeded");
    expect(h!.gitData.commits).toHaveLength(0);
    expect(h!.git.pushes).toHaveLength(1);
    expect(h!.git.git(REPO, ["rev-parse", `${BRANCH}^{tree}`])).toBe(expectedTree(h!));
    expect(status).toMatch(/Pushed with git[\s\S]*not signed/);
  });

  it("a ruleset refusing the ref update is explained in the status comment; the branch is not created", async () => {
    const { outcome, status } = await runIssue({
      prepare: (harness) =>
        harness.gitData.refuseRefUpdates(422, "Repository rule violations found for refs/heads/agent/issue-1-do-it. Commits must have verified signatures."),
    });
    expect(outcome).toBe("failed");
    expect(status).toMatch(/refused the commit[\s\S]*rule/i);
    expect(status).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    expect(h!.git.git(REPO, ["branch", "--list"])).not.toContain("agent/");
    h!.gh.assertDone();
  });
});
