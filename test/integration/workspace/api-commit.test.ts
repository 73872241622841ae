/**
 * createApiCommit against the fake Git Data API (a real bare repository behind the strict GitHub
 * mock), with a plan built by the real snapshot code from a real work tree.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiCommit, RefMovedError } from "../../../src/github/create-api-commit.js";
import { buildApiCommitPlan, readPlanBlobs } from "../../../src/workspace/api-commit-plan.js";
import { prepareChanges } from "../../../src/workspace/prepare-changes.js";
import { DEFAULT_TREE_CAPS } from "../../../src/workspace/snapshot-work-tree.js";
import { createGitDataBackend, installGitData, type GitDataBackend } from "../../helpers/fake-git-data.js";
import { git, makeTempDir, makeWorkRepo, writeFixtureFiles } from "../../helpers/git-fixtures.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const REPO_PATH = "/repos/octo/demo";
const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();

let root: string;
let bare: string;
let work: string;
let gh: GitHubMock;
let data: GitDataBackend;

beforeEach(() => {
  root = makeTempDir("ia-api-commit-");
  const seed = makeWorkRepo({ "README.md": "# demo\n", "a/one.txt": "1\n", "a/two.txt": "2\n" });
  bare = path.join(root, "demo.git");
  git(root, ["clone", "-q", "--bare", seed, bare]);
  git(bare, ["branch", "feature", "main"]);
  rmSync(seed, { recursive: true, force: true });
  work = path.join(root, "work");
  git(root, ["clone", "-q", "--branch", "feature", bare, work]);
  gh = mockGitHub();
  data = createGitDataBackend(bare, { bot: "issue-agent[bot]" });
});

afterEach(() => {
  gh.stop();
  rmSync(root, { recursive: true, force: true });
});

async function planFor(files: Parameters<typeof writeFixtureFiles>[1]) {
  writeFixtureFiles(work, files);
  const prepared = await prepareChanges({ dir: work, baseRef: "HEAD", caps: DEFAULT_TREE_CAPS, maxFileBytes: 5 * 1024 * 1024, nativeGit: true });
  const plan = await buildApiCommitPlan(work, prepared);
  return { plan, readBlobs: (oids: string[]) => readPlanBlobs(work, oids, {}) };
}

function nativeTree(): string {
  git(work, ["add", "-A"]);
  return git(work, ["write-tree"]);
}

const base = () => git(bare, ["rev-parse", "feature"]);

describe("createApiCommit", () => {
  it("batches a large change (blobs read a few at a time, the tree built in chunks) and still lands exactly the work tree", async () => {
    installGitData(gh, REPO_PATH, data);
    const files: Record<string, string | null> = { "a/one.txt": null };
    for (let i = 0; i < 25; i++) files[`gen/file-${i}.txt`] = `content ${i}\n`.repeat(50);
    const { plan, readBlobs } = await planFor(files);
    const reads: number[] = [];
    const expected = base();
    const result = await createApiCommit(octokit, {
      owner: "octo",
      repo: "demo",
      branch: "feature",
      defaultBranch: "main",
      expectedRemoteSha: expected,
      plan,
      message: "Generate files\n\nCo-authored-by: Mona <1+mona@users.noreply.github.com>\n",
      readBlobs: async (oids) => {
        reads.push(oids.length);
        return readBlobs(oids);
      },
      batch: { blobBytes: 2000, treeEntries: 7 },
    });
    expect(reads.length).toBeGreaterThan(3);
    expect(Math.max(...reads)).toBeLessThanOrEqual(4); // ~500-byte files, 2000 bytes a batch
    expect(data.trees.map((t) => t.entries)).toEqual([7, 7, 7, 5]);
    expect(git(bare, ["rev-parse", "feature"])).toBe(result.sha);
    expect(git(bare, ["rev-parse", "feature^{tree}"])).toBe(nativeTree());
    expect(git(bare, ["rev-parse", "feature^"])).toBe(expected);
    expect(git(bare, ["log", "-1", "--format=%B", "feature"])).toContain("Co-authored-by: Mona <1+mona@users.noreply.github.com>");
    expect(result.verified).toBe(true);
    gh.assertDone();
  });

  it("a human commit landing between the check and the ref update is not overwritten: RefMovedError, the branch keeps the human's commit", async () => {
    let humanSha = "";
    // Registered first, so it answers the ref update: the human pushes just before it reaches GitHub.
    gh.on("PATCH", `${REPO_PATH}/git/refs/heads%2Ffeature`).respond((call) => {
      const human = path.join(root, "human");
      git(root, ["clone", "-q", "--branch", "feature", bare, human]);
      writeFixtureFiles(human, { "HUMAN.md": "mine\n" });
      git(human, ["add", "-A"]);
      git(human, ["commit", "-q", "-m", "human"]);
      git(human, ["push", "-q", "origin", "feature"]);
      humanSha = git(human, ["rev-parse", "HEAD"]);
      return data.route("PATCH", "/git/refs/heads/feature", call.json)!;
    });
    installGitData(gh, REPO_PATH, data);
    const { plan, readBlobs } = await planFor({ "README.md": "# changed\n" });
    const attempt = createApiCommit(octokit, {
      owner: "octo",
      repo: "demo",
      branch: "feature",
      defaultBranch: "main",
      expectedRemoteSha: base(),
      plan,
      message: "x\n",
      readBlobs,
    });
    await expect(attempt).rejects.toBeInstanceOf(RefMovedError);
    await expect(attempt).rejects.toMatchObject({ actual: humanSha });
    expect(git(bare, ["rev-parse", "feature"])).toBe(humanSha);
    gh.assertDone();
  });

  it("a branch that moved before the commit: refused before anything is uploaded", async () => {
    installGitData(gh, REPO_PATH, data);
    const { plan, readBlobs } = await planFor({ "README.md": "# changed\n" });
    const expected = base();
    git(bare, ["update-ref", "refs/heads/feature", git(bare, ["commit-tree", `${expected}^{tree}`, "-p", expected, "-m", "someone else"])]);
    await expect(
      createApiCommit(octokit, {
        owner: "octo",
        repo: "demo",
        branch: "feature",
        defaultBranch: "main",
        expectedRemoteSha: expected,
        plan,
        message: "x\n",
        readBlobs,
      }),
    ).rejects.toBeInstanceOf(RefMovedError);
    expect(data.blobs).toHaveLength(0);
    expect(data.commits).toHaveLength(0);
  });

  it("a new branch that already exists is not taken over", async () => {
    installGitData(gh, REPO_PATH, data);
    const { plan, readBlobs } = await planFor({ "README.md": "# changed\n" });
    const before = base();
    await expect(
      createApiCommit(octokit, {
        owner: "octo",
        repo: "demo",
        branch: "feature",
        defaultBranch: "main",
        expectedRemoteSha: null,
        plan,
        message: "x\n",
        readBlobs,
      }),
    ).rejects.toMatchObject({ code: "workspace/branch-moved" });
    expect(git(bare, ["rev-parse", "feature"])).toBe(before);
  });

  it("never commits to the default branch or to an invalid branch name, and makes no GitHub call trying", async () => {
    const { plan, readBlobs } = await planFor({ "README.md": "# changed\n" });
    const main = git(bare, ["rev-parse", "main"]);
    for (const branch of ["main", "-x", "a..b", "feature@{1}"]) {
      await expect(
        createApiCommit(octokit, { owner: "octo", repo: "demo", branch, defaultBranch: "main", expectedRemoteSha: main, plan, message: "x\n", readBlobs }),
      ).rejects.toMatchObject({ code: "github/push-refused" });
    }
    expect(gh.calls).toHaveLength(0);
    expect(git(bare, ["rev-parse", "main"])).toBe(main);
  });

  it("a blob GitHub stores under another id (different bytes) stops the commit", async () => {
    gh.on("POST", `${REPO_PATH}/git/blobs`).reply(201, { sha: "f".repeat(40) });
    installGitData(gh, REPO_PATH, data);
    const { plan, readBlobs } = await planFor({ "README.md": "# changed\n" });
    await expect(
      createApiCommit(octokit, {
        owner: "octo",
        repo: "demo",
        branch: "feature",
        defaultBranch: "main",
        expectedRemoteSha: base(),
        plan,
        message: "x\n",
        readBlobs,
      }),
    ).rejects.toThrow(/different bytes|stored blob/);
    expect(data.commits).toHaveLength(0);
  });
});
