/**
 * The shapes a user's checkout comes in, through `issue-agent run` with the real sandbox and
 * git: a staged index, a `.git` file (separate git dir, as submodules have), a repository without
 * a commit, a linked worktree, and the ones the CLI refuses with a message (sparse checkout,
 * LFS-style filters with --commit).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { startFakeModel } from "../../helpers/fake-model.js";
import { captureIo, checkoutFixture, git, PATCH_FIX_ADD } from "./cli-harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fixture(): Promise<string> {
  const { dir, cleanup } = await checkoutFixture("cli-buggy");
  cleanups.push(cleanup);
  return dir;
}

async function run(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string; turns: number }> {
  return runWith({}, dir, ...args);
}

async function runWith(extraEnv: Record<string, string>, dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string; turns: number }> {
  const model = await startFakeModel({
    script: [{ toolCalls: [{ name: "apply_patch", arguments: { input: PATCH_FIX_ADD } }] }, { text: "Title: Fix add()\n\nFixed." }],
  });
  cleanups.push(() => model.close());
  const io = captureIo({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "sk-test-cli-0123456789abcdef", AGENT_MODEL: "gpt-5-codex", ...extraEnv } });
  const code = await main(["run", "fix add", "--repo", dir, "--wire", "chat", ...args], io);
  return { code, out: io.out(), err: io.err(), turns: model.turnRequests().length };
}

describe("issue-agent run on the checkouts people have", () => {
  it("refuses --commit while changes are staged, even when the work tree matches HEAD", async () => {
    const dir = await fixture();
    await writeFile(path.join(dir, "README.md"), "staged edit\n");
    git(dir, "add", "README.md");
    // Back to HEAD's content in the tree; the index still holds the edit.
    await writeFile(path.join(dir, "README.md"), git(dir, "show", "HEAD:README.md"));
    const { code, err, turns } = await run(dir, "--branch", "fix/add", "--commit");
    expect(code).toBe(2);
    expect(err).toContain("--commit needs a clean working tree and index; commit or stash these first: README.md");
    expect(turns).toBe(0);
  });

  it("honours the user's global excludes and identity, read from their config files", async () => {
    const dir = await fixture();
    const home = await mkdtemp(path.join(os.tmpdir(), "cli-home-"));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    await mkdir(path.join(home, ".config", "git"), { recursive: true });
    await writeFile(path.join(home, ".config", "git", "ignore"), "*.log\n.idea/\n");
    await writeFile(path.join(home, ".gitconfig"), "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n");
    await mkdir(path.join(dir, ".idea"));
    await writeFile(path.join(dir, ".idea", "workspace.xml"), "<x/>");
    await writeFile(path.join(dir, "debug.log"), "noise\n");
    const { code, err, out } = await runWith({ HOME: home }, dir, "--branch", "fix/add", "--commit");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("Changed files (1):\n  src/add.mjs");
    expect(git(dir, "show", "--stat", "--format=%an <%ae>", "fix/add")).toMatch(/^Ada Lovelace <ada@example\.com>\n[\s\S]*src\/add\.mjs/);
    expect(git(dir, "ls-tree", "-r", "--name-only", "fix/add")).not.toMatch(/debug\.log|\.idea/);
  });

  it("works through a .git file (separate git dir) and commits on the new branch", async () => {
    const dir = await fixture();
    const gitDir = await mkdtemp(path.join(os.tmpdir(), "separate-git-dir-"));
    cleanups.push(() => rm(gitDir, { recursive: true, force: true }));
    await rm(gitDir, { recursive: true });
    git(dir, "init", "-q", "--separate-git-dir", gitDir);
    expect(await readFile(path.join(dir, ".git"), "utf8")).toContain("gitdir:");
    const { code, err } = await run(dir, "--branch", "fix/add", "--commit");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(git(dir, "show", "fix/add:src/add.mjs")).toContain("a + b");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("lists the changes in a repository without a commit yet, and refuses --commit there", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cli-unborn-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const src = await fixture();
    for (const f of ["src/add.mjs", "test.mjs", "README.md"]) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), await readFile(path.join(src, f)));
    }
    git(dir, "init", "-q", "-b", "main");
    const plain = await run(dir);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/Changed files \(3\):\n {2}README\.md\n {2}src\/add\.mjs\n {2}test\.mjs/);
    const commit = await run(dir, "--branch", "fix/add", "--commit");
    expect(commit.code).toBe(2);
    expect(commit.err).toContain("--commit needs a repository with at least one commit");
  });

  it("works in a linked worktree: commits on a new branch there and leaves the main checkout alone", async () => {
    const dir = await fixture();
    const wt = path.join(await mkdtemp(path.join(os.tmpdir(), "cli-wt-")), "wt");
    cleanups.push(() => rm(path.dirname(wt), { recursive: true, force: true }));
    git(dir, "worktree", "add", "-q", "-b", "side", wt);
    const { code, err, out } = await run(wt, "--branch", "fix/add", "--commit");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("Changed files (1):\n  src/add.mjs");
    expect(git(wt, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("fix/add");
    expect(git(wt, "show", "fix/add:src/add.mjs")).toContain("a + b");
    expect(git(wt, "log", "-1", "--format=%P", "fix/add").trim()).toBe(git(dir, "rev-parse", "side").trim());
    expect(git(wt, "status", "--porcelain")).toBe("");
    // The main checkout: same branch, clean, untouched.
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("main");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("runs commands in the sandbox when the config includes files that do not exist, inside .git or the tree", async () => {
    const dir = await fixture();
    git(dir, "config", "include.path", "missing-in-git-dir.inc");
    git(dir, "config", "--add", "include.path", "../conf/missing/shared.inc");
    const model = await startFakeModel({
      script: [
        { toolCalls: [{ name: "shell", arguments: { command: ["bash", "-c", "echo ok > out.txt; mkdir -p conf/missing 2>&1; echo mkdir=$?"] } }] },
        { text: "Title: t\n\nb" },
      ],
    });
    cleanups.push(() => model.close());
    const io = captureIo({ env: { OPENAI_BASE_URL: model.baseURL, AGENT_MODEL: "m" } });
    expect(await main(["run", "write out.txt", "--repo", dir, "--wire", "chat"], io)).toBe(0);
    expect(await readFile(path.join(dir, "out.txt"), "utf8")).toBe("ok\n");
    // conf/ was kept from being created (the include target's first missing part), and is gone again.
    expect(JSON.stringify(model.requests.at(-1)!.body)).toMatch(/mkdir=1/);
    await expect(readFile(path.join(dir, "conf/missing/shared.inc"))).rejects.toThrow();
    expect(io.out()).toContain("Changed files (1):\n  out.txt");
  });

  it("refuses a sparse checkout, whose missing files would look deleted", async () => {
    const dir = await fixture();
    git(dir, "sparse-checkout", "set", "src");
    const { code, err } = await run(dir);
    expect(code).toBe(2);
    expect(err).toContain("uses a sparse checkout");
  });

  it("refuses --commit where .gitattributes apply a filter (Git LFS), before spending a token", async () => {
    const dir = await fixture();
    await writeFile(path.join(dir, ".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    git(dir, "add", ".gitattributes");
    git(dir, "commit", "-qm", "lfs");
    const { code, err, turns } = await run(dir, "--branch", "fix/add", "--commit");
    expect(code).toBe(2);
    expect(err).toContain("apply git filters (e.g. Git LFS)");
    expect(turns).toBe(0);
  });
});
