/**
 * `issue-agent run` on a checkout whose git config points into the work tree, with a scripted
 * "agent" that plants code there: husky's core.hooksPath, .githooks, an included .gitconfig with
 * core.fsmonitor, a clean filter from an included file; `review` on such a checkout; and an
 * agent.yml asking for network.
 * Real bubblewrap sandbox, real repositories, the real CLI in-process.
 *
 * Every case runs twice:
 * - workspace-write: the sandbox must keep the planted paths read-only (the first defence);
 * - danger-full-access: nothing stops the planting, so the CLI's own git work must not run it
 *   (the second defence: no host `git` with the user's environment or the repo's config).
 * Either way a canary in the CLI's environment must never reach a marker file outside the repo.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { startFakeModel, type FakeTurn } from "../../helpers/fake-model.js";
import { captureIo, checkoutFixture, git, PATCH_FIX_ADD } from "./cli-harness.js";

const CANARY_VAR = "ISSUE_AGENT_TEST_CANARY";
const cleanups: (() => Promise<void>)[] = [];
let canary: string;
let markerDir: string;
let marker: string;

beforeEach(async () => {
  canary = `canary-${randomBytes(8).toString("hex")}`;
  // In the CLI's own process environment too: a host git run with it would hand it to a hook.
  process.env[CANARY_VAR] = canary;
  markerDir = await mkdtemp(path.join(os.tmpdir(), "cli-hostile-marker-"));
  marker = path.join(markerDir, "marker");
  cleanups.push(() => rm(markerDir, { recursive: true, force: true }));
});
afterEach(async () => {
  delete process.env[CANARY_VAR];
  for (const c of cleanups.splice(0)) await c();
});

/** A shell script that records the canary in the marker: what each planted hook or driver runs (then `tail`). */
const payload = (tail = "cat") => `#!/bin/sh\necho "ran:$${CANARY_VAR}" >> ${marker}\n${tail}\n`;

const shell = (script: string): FakeTurn => ({ toolCalls: [{ name: "shell", arguments: { command: ["bash", "-c", script] } }] });

async function repo(prepare: (dir: string) => Promise<void>): Promise<string> {
  const { dir, cleanup } = await checkoutFixture("cli-buggy");
  cleanups.push(cleanup);
  await prepare(dir);
  return dir;
}

async function run(dir: string, script: FakeTurn[], args: string[]): Promise<{ code: number; out: string; err: string }> {
  const model = await startFakeModel({
    script: [...script, { toolCalls: [{ name: "apply_patch", arguments: { input: PATCH_FIX_ADD } }] }, { text: "Title: Fix add()\n\nFixed." }],
  });
  cleanups.push(() => model.close());
  const io = captureIo({
    env: {
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_API_KEY: "sk-test-cli-0123456789abcdef",
      AGENT_MODEL: "gpt-5-codex",
      HOME: os.homedir(),
      [CANARY_VAR]: canary,
    },
  });
  const code = await main(["run", "fix add", "--repo", dir, "--wire", "chat", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

async function read(file: string): Promise<string | null> {
  return readFile(file, "utf8").catch(() => null);
}

/** The host never ran anything planted: no marker (which would hold the canary it read). */
async function expectNothingRanOnHost(): Promise<void> {
  expect(await read(marker)).toBeNull();
}

const MODES = ["workspace-write", "danger-full-access"] as const;

describe("issue-agent run on a hostile checkout", () => {
  it.each(MODES)("husky core.hooksPath=.husky/_ with --commit (%s)", async (mode) => {
    const dir = await repo(async (d) => {
      await mkdir(path.join(d, ".husky", "_"), { recursive: true });
      await writeFile(path.join(d, ".husky", "pre-commit"), "npm test\n");
      await writeFile(path.join(d, ".husky", "_", ".gitignore"), "*\n");
      await writeFile(path.join(d, ".husky", "_", "h"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      git(d, "add", "-A");
      git(d, "commit", "-qm", "husky");
      git(d, "config", "core.hooksPath", ".husky/_");
    });
    const hooks = ["pre-commit", "post-commit", "post-checkout", "post-index-change", "reference-transaction", "commit-msg", "prepare-commit-msg"];
    const plant = hooks.map((h) => `printf '%s' "$P" > .husky/_/${h} && chmod +x .husky/_/${h}`).join(" ; ");
    const { code, out, err } = await run(
      dir,
      [shell(`P='${payload()}'; ${plant}; printf '%s' "$P" > .husky/pre-commit; echo planted`)],
      ["--sandbox", mode, "--branch", "fix/add", "--commit"],
    );

    expect(err).toBe("");
    expect(code).toBe(0);
    expect(git(dir, "show", "fix/add:src/add.mjs")).toContain("a + b");
    await expectNothingRanOnHost();
    if (mode === "workspace-write") {
      expect(await read(path.join(dir, ".husky", "_", "pre-commit"))).toBeNull();
      expect(await read(path.join(dir, ".husky", "pre-commit"))).toBe("npm test\n");
    } else {
      // Planted for real: only the CLI's own git work stood between them and the user.
      expect(await read(path.join(dir, ".husky", "_", "pre-commit"))).toContain(marker);
      expect(out).toMatch(/Changed outside what the task needs \(1\)[\s\S]*\n {2}\.husky\/pre-commit\n/);
      // .husky/_ is ignored by git, so only the hook-path watch sees it.
      expect(out).toMatch(/Git hooks or config changed during the run[^\n]*\n {2}\.husky\n {2}\.husky\/_\n/);
    }
    if (mode === "workspace-write") expect(out).not.toContain("Git hooks or config changed");
  });

  it.each(MODES)("core.hooksPath=.githooks that does not exist yet, with --commit (%s)", async (mode) => {
    const dir = await repo(async (d) => {
      git(d, "config", "core.hooksPath", ".githooks");
    });
    const hooks = ["pre-commit", "post-commit", "post-checkout", "post-index-change", "reference-transaction"];
    const plant = `mkdir -p .githooks && ${hooks.map((h) => `printf '%s' "$P" > .githooks/${h} && chmod +x .githooks/${h}`).join(" && ")}`;
    const { code, out, err } = await run(dir, [shell(`P='${payload()}'; ${plant}; echo exit=$?`)], ["--sandbox", mode, "--branch", "fix/add", "--commit"]);

    await expectNothingRanOnHost();
    if (mode === "workspace-write") {
      expect(err).toBe("");
      expect(code).toBe(0);
      // The read-only placeholder kept .githooks from being created, and is gone again.
      expect(existsSync(path.join(dir, ".githooks"))).toBe(false);
      expect(git(dir, "show", "fix/add:src/add.mjs")).toContain("a + b");
    } else {
      expect(await read(path.join(dir, ".githooks", "pre-commit"))).toContain(marker);
      expect(code).toBe(0);
      expect(out).toMatch(/Changed outside what the task needs[\s\S]*\.githooks\/pre-commit/);
      expect(out).toMatch(/Git hooks or config changed during the run[^\n]*\n {2}\.githooks\n/);
    }
  });

  it.each(MODES)("include.path=../.gitconfig planted with core.fsmonitor, no --commit (%s)", async (mode) => {
    const dir = await repo(async (d) => {
      await writeFile(path.join(d, ".gitconfig"), "[core]\n\tautocrlf = false\n");
      git(d, "add", "-A");
      git(d, "commit", "-qm", "shared git config");
      git(d, "config", "include.path", "../.gitconfig");
    });
    const monitor = path.join(dir, "fsmon.sh");
    const script = `printf '%s' '${payload("exit 1")}' > fsmon.sh; chmod +x fsmon.sh; printf '[core]\\n\\tfsmonitor = ${monitor}\\n' > .gitconfig; printf '[core]\\n\\tfsmonitor = ${monitor}\\n' >> .git/config; echo exit=$?`;
    const { code, out } = await run(dir, [shell(script)], ["--sandbox", mode]);

    expect(code).toBe(0);
    await expectNothingRanOnHost();
    if (mode === "workspace-write") {
      expect(await read(path.join(dir, ".gitconfig"))).toBe("[core]\n\tautocrlf = false\n");
    } else {
      expect(await read(path.join(dir, ".gitconfig"))).toContain("fsmonitor");
      expect(await read(path.join(dir, ".git", "config"))).toContain("fsmonitor");
      expect(out).toMatch(/Changed outside what the task needs[\s\S]*\n {2}\.gitconfig\n/);
      expect(out).toMatch(/Git hooks or config changed during the run[^\n]*\n {2}\.git\/config\n {2}\.gitconfig\n/);
      expect(out).toMatch(/Your git config includes files from the work tree that make git run commands[^\n]*\n {2}core\.fsmonitor \(\.gitconfig\)/);
    }
    if (mode === "workspace-write") {
      expect(await read(path.join(dir, ".git", "config"))).not.toContain("fsmonitor");
      expect(out).not.toContain("Git hooks or config changed");
    }
  });

  it.each(MODES)("a filter.<x>.clean from the included file, with --commit's add (%s)", async (mode) => {
    const dir = await repo(async (d) => {
      await writeFile(path.join(d, ".gitconfig"), "[core]\n\tautocrlf = false\n");
      git(d, "add", "-A");
      git(d, "commit", "-qm", "shared git config");
      git(d, "config", "include.path", "../.gitconfig");
    });
    const driver = path.join(dir, "clean.sh");
    const script = [
      `printf '%s' '${payload()}' > clean.sh; chmod +x clean.sh`,
      `printf '[filter "x"]\\n\\tclean = ${driver}\\n\\tsmudge = ${driver}\\n\\trequired = true\\n' > .gitconfig`,
      `printf '* filter=x\\n' > .gitattributes`,
      "echo exit=$?",
    ].join("; ");
    const { code, out } = await run(dir, [shell(script)], ["--sandbox", mode, "--branch", "fix/add", "--commit"]);

    await expectNothingRanOnHost();
    expect(code).toBe(0);
    if (mode === "workspace-write") {
      expect(await read(path.join(dir, ".gitconfig"))).toBe("[core]\n\tautocrlf = false\n");
      expect(await read(path.join(dir, ".gitattributes"))).toBeNull();
    } else {
      // Committed byte for byte, never through the planted filter.
      expect(git(dir, "show", "fix/add:.gitattributes")).toBe("* filter=x\n");
      expect(out).toMatch(/Changed outside what the task needs[\s\S]*\.gitattributes[\s\S]*\.gitconfig/);
    }
  });

  it("review on a checkout whose included config defines fsmonitor and a clean filter for every file runs neither", async () => {
    const dir = await repo(async (d) => {
      git(d, "checkout", "-q", "-b", "feature");
      await writeFile(path.join(d, "hook.sh"), payload("exit 1"), { mode: 0o755 });
      await writeFile(path.join(d, ".gitconfig"), `[core]\n\tfsmonitor = ${path.join(d, "hook.sh")}\n[filter "x"]\n\tclean = ${path.join(d, "hook.sh")}\n`);
      await writeFile(path.join(d, ".gitattributes"), "* filter=x\n");
      await writeFile(path.join(d, "new.txt"), "an untracked file the review diffs\n");
      git(d, "config", "include.path", "../.gitconfig");
    });
    const io = captureIo({ env: { HOME: os.homedir(), [CANARY_VAR]: canary } });
    expect(await main(["review", "--repo", dir, "--base", "main", "--no-model", "--json"], io)).toBe(0);
    await expectNothingRanOnHost();
    expect(io.err()).toBe("");
  });

  describe("agent.yml asking for network", () => {
    const setupScript = `echo "proxy=$HTTPS_PROXY canary=$${CANARY_VAR}" > setup-net.txt; curl -sS --max-time 5 https://allowed.invalid/ >> setup-net.txt 2>&1; true`;
    const agentScript = `echo "proxy=$HTTPS_PROXY canary=$${CANARY_VAR}" > agent-net.txt; curl -sS --max-time 5 https://allowed.invalid/ >> agent-net.txt 2>&1; true`;
    const withAgentYml = () =>
      repo(async (d) => {
        await mkdir(path.join(d, ".github"), { recursive: true });
        await writeFile(
          path.join(d, ".github", "agent.yml"),
          `sandbox:\n  network: ["allowed.invalid"]\n  setupCommands:\n    - ${JSON.stringify(setupScript)}\n`,
        );
        git(d, "add", "-A");
        git(d, "commit", "-qm", "agent.yml");
      });

    it("is denied without --network: setup and agent commands both run offline", async () => {
      const dir = await withAgentYml();
      const { code, out } = await run(dir, [shell(agentScript)], []);
      expect(code).toBe(0);
      expect(out).toContain("agent.yml asks for network access to allowed.invalid for its setup commands; not granted");
      const setup = (await read(path.join(dir, "setup-net.txt")))!;
      expect(setup).toMatch(/^proxy= canary=\n/);
      expect(setup).not.toMatch(/CONNECT tunnel/);
      expect(await read(path.join(dir, "agent-net.txt"))).toMatch(/^proxy= canary=\n/);
      await expectNothingRanOnHost();
    });

    it("with --network, only the setup commands reach the granted host", async () => {
      const dir = await withAgentYml();
      const { code } = await run(dir, [shell(agentScript)], ["--network", "allowed.invalid"]);
      expect(code).toBe(0);
      const setup = (await read(path.join(dir, "setup-net.txt")))!;
      // Through the proxy, which let the host through (it then fails to resolve: 502, not 403).
      expect(setup).toMatch(/^proxy=http:\/\/127\.0\.0\.1:3128 canary=\n/);
      expect(setup).toMatch(/CONNECT tunnel failed, response 502/);
      const agent = (await read(path.join(dir, "agent-net.txt")))!;
      expect(agent).toMatch(/^proxy= canary=\n/);
      expect(agent).not.toMatch(/CONNECT tunnel/);
      await expectNothingRanOnHost();
    });
  });
});
