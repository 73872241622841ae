import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunAgentInput, RunAgentResult } from "../../../src/agent/types.js";
import type { SandboxPolicy } from "../../../src/sandbox/types.js";
import type { CliIo } from "../../../src/cli/cli-io.js";
import type { LocalGit } from "../../../src/cli/local-git.js";
import { parseCliArgs, type RunOptions } from "../../../src/cli/parse-cli-args.js";
import { runRunCommand, type RunDeps } from "../../../src/cli/local-run-command.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-run-"));
  await mkdir(path.join(dir, ".git"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = { OPENAI_API_KEY: "sk-test-unit-0123456789abcdef" }) {
  let out = "";
  let err = "";
  const value: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([]),
    env,
    cwd: dir,
  };
  return { io: value, out: () => out, err: () => err };
}

const result = (over: Partial<RunAgentResult> = {}): RunAgentResult => ({
  outcome: "completed",
  summary: "Fixed it.",
  prTitle: "Fix it",
  prBody: "Body",
  plan: [],
  usage: { input: 100, cachedInput: 0, output: 10, reasoning: 0 },
  costUsd: 0.001,
  turns: 2,
  testsRun: [],
  ...over,
});

function deps(over: { result?: RunAgentResult; changed?: string[][]; sandboxOk?: boolean; throws?: unknown; setupExit?: number } = {}) {
  const calls: { agent: RunAgentInput[]; commits: string[][]; setup: { network: SandboxPolicy["network"]; script: string | undefined }[] } = {
    agent: [],
    commits: [],
    setup: [],
  };
  const changed = [...(over.changed ?? [[], ["src/a.js"]])];
  const git: LocalGit = {
    assertSupported: async () => undefined,
    changedFiles: async () => changed.shift() ?? [],
    stagedFiles: async () => [],
    assertCanCommit: async () => undefined,
    commitOnNewBranch: async (d, branch, title) => {
      calls.commits.push([branch, title]);
      return "0123456789abcdef0123456789abcdef01234567";
    },
    diffAgainst: async () => "",
    resolveFirstRef: async () => null,
    describeHead: async () => ({ commit: null, branch: null, remoteUrl: null }),
  };
  const d: RunDeps = {
    git,
    createSandbox: (policy) => ({
      policy,
      // Only setup commands run here: the agent is faked, so it runs none.
      run: async (o) => {
        calls.setup.push({ network: policy.network, script: o.script });
        return {
          exitCode: over.setupExit ?? 0,
          signal: null,
          stdout: "",
          stderr: over.setupExit ? "npm ERR! boom" : "",
          truncated: false,
          timedOut: false,
          durationMs: 1,
        };
      },
    }),
    checkSandbox: async () =>
      over.sandboxOk === false ? { ok: false, reason: "bubblewrap could not be run at /usr/bin/bwrap: ENOENT", fix: "Install bubblewrap." } : { ok: true },
    runAgent: async (input) => {
      calls.agent.push(input);
      if (over.throws) throw over.throws;
      input.onEvent?.({ type: "turn_start", turn: 1 });
      return over.result ?? result();
    },
  };
  return { deps: d, calls };
}

const opts = (...argv: string[]): RunOptions => {
  const cmd = parseCliArgs(["run", ...argv]);
  if (cmd.kind !== "run") throw new Error("not run");
  return cmd.options;
};

describe("runRunCommand", () => {
  it("runs the agent on the repo as a cli task and reports the changed files", async () => {
    const t = io();
    const { deps: d, calls } = deps({ changed: [["src/a.js"]] });
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, d)).toBe(0);
    expect(calls.agent[0]).toMatchObject({
      task: { kind: "cli", text: "fix it" },
      workspaceDir: dir,
      sandbox: { policy: { mode: "workspace-write", workspaceDir: dir } },
    });
    expect(t.out()).toContain("Changed files (1):\n  src/a.js");
    expect(t.out()).toContain("git diff");
  });

  it("treats 'completed' with nothing changed as exit 4", async () => {
    const t = io();
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, deps({ changed: [[]] }).deps)).toBe(4);
  });

  it("maps budget_exhausted to 3 and prints why", async () => {
    const t = io();
    const r = result({ outcome: "budget_exhausted", error: { code: "budget/exceeded", message: "The run reached its limit of 2 turns." } });
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, deps({ result: r, changed: [["a"]] }).deps)).toBe(3);
    expect(t.out()).toContain("Stopped: budget exhausted");
    expect(t.err()).toContain("limit of 2 turns");
  });

  it("stops before spending anything when bubblewrap cannot run", async () => {
    const t = io();
    const { deps: d, calls } = deps({ sandboxOk: false });
    expect(await runRunCommand(opts("fix it", "--repo", dir, "--json"), t.io, d)).toBe(1);
    expect(calls.agent).toHaveLength(0);
    expect(t.err()).toContain("Install bubblewrap.");
    expect(t.err()).toContain("--sandbox danger-full-access");
    expect(JSON.parse(t.out())).toMatchObject({ type: "result", outcome: "failed", exitCode: 1, error: { code: "sandbox/unavailable" } });
  });

  it("skips the probe for danger-full-access, which only the flag enables", async () => {
    const { deps: d, calls } = deps({ sandboxOk: false, changed: [["a"]] });
    expect(await runRunCommand(opts("fix it", "--repo", dir, "--sandbox", "danger-full-access"), io().io, d)).toBe(0);
    expect(calls.agent[0]!.sandbox.policy).toMatchObject({ mode: "danger-full-access", allowDangerFullAccess: true });
  });

  it("refuses --commit on a dirty tree so the user's own edits are never committed", async () => {
    const t = io();
    const { deps: d, calls } = deps({ changed: [["notes.txt"]] });
    expect(await runRunCommand(opts("fix it", "--repo", dir, "--branch", "agent/x", "--commit"), t.io, d)).toBe(2);
    expect(t.err()).toContain("--commit needs a clean working tree");
    expect(calls.agent).toHaveLength(0);
  });

  it("commits with the agent's title on the new branch", async () => {
    const t = io();
    const { deps: d, calls } = deps({ changed: [[], ["src/a.js"]] });
    expect(await runRunCommand(opts("fix it", "--repo", dir, "--branch", "agent/x", "--commit"), t.io, d)).toBe(0);
    expect(calls.commits).toEqual([["agent/x", "Fix it"]]);
    expect(t.out()).toContain("Committed 0123456 on new branch agent/x.");
  });

  it("rejects an invalid branch name before running", async () => {
    const t = io();
    expect(await runRunCommand(opts("fix it", "--repo", dir, "--branch", "bad..name", "--commit"), t.io, deps().deps)).toBe(2);
    expect(t.err()).toContain('"bad..name" is not a valid branch name');
  });

  it("reports an invalid agent.yml with every problem and exits 2", async () => {
    const { writeFile } = await import("node:fs/promises");
    await mkdir(path.join(dir, ".github"));
    await writeFile(path.join(dir, ".github/agent.yml"), "limits:\n  maxTurns: 0\nsandbox:\n  mode: yolo\n");
    const t = io();
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, deps().deps)).toBe(2);
    expect(t.err()).toContain("limits.maxTurns");
    expect(t.err()).toContain("sandbox.mode");
  });

  it("turns a thrown 401 into advice about the key, redacted", async () => {
    const t = io({ OPENAI_API_KEY: "sk-live-secret-0123456789abcdef" });
    const error = Object.assign(new Error("401 Incorrect API key provided: sk-live-secret-0123456789abcdef"), { code: "model/auth" });
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, deps({ throws: error }).deps)).toBe(1);
    expect(t.err()).toContain("refused the API key. Set OPENAI_API_KEY");
    expect(t.err()).not.toContain("sk-live-secret");
  });

  describe("network and setup commands from agent.yml", () => {
    const agentYml = async () => {
      await mkdir(path.join(dir, ".github"), { recursive: true });
      await writeFile(path.join(dir, ".github/agent.yml"), "sandbox:\n  network: [registry.npmjs.org]\n  setupCommands: [npm ci]\n");
    };

    it("runs setup commands offline and says how to grant what agent.yml asks for", async () => {
      await agentYml();
      const t = io();
      const { deps: d, calls } = deps({ changed: [["a"]] });
      expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, d)).toBe(0);
      expect(calls.setup).toEqual([{ network: "off", script: "npm ci" }]);
      expect(calls.agent[0]!.sandbox.policy.network).toBe("off");
      expect(t.out()).toContain("Pass --network registry.npmjs.org to allow it");
    });

    it("--network grants the setup commands only; the agent's commands stay offline", async () => {
      await agentYml();
      const { deps: d, calls } = deps({ changed: [["a"]] });
      expect(await runRunCommand(opts("fix it", "--repo", dir, "--network", "registry.npmjs.org"), io().io, d)).toBe(0);
      expect(calls.setup).toEqual([{ network: ["registry.npmjs.org"], script: "npm ci" }]);
      expect(calls.agent[0]!.sandbox.policy.network).toBe("off");
    });

    it("asks on a terminal, but never in a --json run", async () => {
      await agentYml();
      const asked: string[] = [];
      const t = io();
      const { deps: d, calls } = deps({ changed: [["a"], ["a"]] });
      expect(await runRunCommand(opts("fix it", "--repo", dir), { ...t.io, confirm: async (q) => (asked.push(q), true) }, d)).toBe(0);
      expect(asked).toHaveLength(1);
      expect(calls.setup[0]!.network).toEqual(["registry.npmjs.org"]);
      const json = deps({ changed: [["a"]] });
      expect(await runRunCommand(opts("fix it", "--repo", dir, "--json"), { ...io().io, confirm: async (q) => (asked.push(q), true) }, json.deps)).toBe(0);
      expect(asked).toHaveLength(1);
      expect(json.calls.setup[0]!.network).toBe("off");
    });

    it("stops with the command's output when a setup command fails; --skip-setup skips them", async () => {
      await agentYml();
      const t = io();
      const failing = deps({ setupExit: 1 });
      expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, failing.deps)).toBe(1);
      expect(t.err()).toContain("The setup command `npm ci` from agent.yml failed (exit 1); pass --skip-setup");
      expect(t.err()).toContain("npm ERR! boom");
      expect(failing.calls.agent).toHaveLength(0);
      const skipped = deps({ changed: [["a"]] });
      expect(await runRunCommand(opts("fix it", "--repo", dir, "--skip-setup"), io().io, skipped.deps)).toBe(0);
      expect(skipped.calls.setup).toHaveLength(0);
    });
  });

  it("keeps git hooks and config read-only in the agent's sandbox and names changes outside the task", async () => {
    const t = io();
    const { deps: d, calls } = deps({ changed: [["src/a.js", ".github/workflows/ci.yml", ".husky/pre-commit"]] });
    expect(await runRunCommand(opts("fix it", "--repo", dir), t.io, d)).toBe(0);
    expect(calls.agent[0]!.sandbox.policy.protectedPaths).toEqual(
      expect.arrayContaining([".husky", ".githooks", ".gitconfig", ".gitattributes"].map((p) => path.join(dir, p))),
    );
    expect(t.out()).toContain("Changed outside what the task needs (2): git hooks or config, CI, agent or editor configuration.");
    expect(t.out()).toMatch(/pushing:\n {2}\.github\/workflows\/ci\.yml\n {2}\.husky\/pre-commit\n/);
  });
});
