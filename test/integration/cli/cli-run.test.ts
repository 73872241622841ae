/**
 * `issue-agent run` end to end, in-process: the real agent loop, real bubblewrap sandbox and real
 * git, against a scripted OpenAI-compatible server on loopback (both wire APIs).
 */
import { readFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/index.js";
import { defaultCliDeps, main } from "../../../src/cli.js";
import { startFakeModel, type FakeModel, type FakeTurn } from "../../helpers/fake-model.js";
import { captureIo, checkoutFixture, git, PATCH_FIX_ADD } from "./cli-harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(script: FakeTurn[]): Promise<{ dir: string; model: FakeModel; env: Record<string, string> }> {
  const { dir, cleanup } = await checkoutFixture("cli-buggy");
  const model = await startFakeModel({ script });
  cleanups.push(cleanup, () => model.close());
  return { dir, model, env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "sk-test-cli-0123456789abcdef", AGENT_MODEL: "gpt-5-codex" } };
}

const FIX_SCRIPT: FakeTurn[] = [
  {
    toolCalls: [
      {
        name: "update_plan",
        arguments: {
          plan: [
            { step: "Find the bug", status: "in_progress" },
            { step: "Fix add()", status: "pending" },
          ],
        },
      },
    ],
  },
  { toolCalls: [{ name: "read_file", arguments: { file_path: "src/add.mjs" } }] },
  { toolCalls: [{ name: "apply_patch", arguments: { input: PATCH_FIX_ADD } }] },
  { toolCalls: [{ name: "shell", arguments: { command: ["node", "test.mjs"] } }] },
  { text: "Title: Fix add() to add\n\nadd() subtracted; it now adds and `node test.mjs` passes." },
];

describe("issue-agent run", () => {
  it.each(["responses", "chat"] as const)("fixes the fixture repo over the %s wire API and exits 0 with the change in the tree", async (wire) => {
    const { dir, model, env } = await setup(FIX_SCRIPT);
    const io = captureIo({ env });
    const code = await main(["run", "add(2, 3) returns -1; make it add", "--repo", dir, "--wire", wire], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(await readFile(path.join(dir, "src/add.mjs"), "utf8")).toContain("return a + b;");
    expect(git(dir, "status", "--porcelain")).toContain("src/add.mjs");
    expect(model.turnRequests().every((r) => r.api === wire)).toBe(true);
    // Plain lines on a non-TTY: the tools, the plan and the report.
    const out = io.out();
    expect(out).toContain("tool: apply_patch src/add.mjs");
    expect(out).toContain("tool: shell node test.mjs");
    expect(out).toContain("[>] Find the bug");
    expect(out).toMatch(/Done after 5 turns/);
    expect(out).toContain("Changed files (1):\n  src/add.mjs");
    expect(out).not.toContain("\x1b[");
  });

  it("--transcript FILE writes the run as JSON Lines: the task, every tool call with its output, the edit, usage, the outcome; the API key redacted", async () => {
    const { dir, env } = await setup(FIX_SCRIPT);
    const io = captureIo({ env });
    const file = path.join(dir, "..", `transcript-${path.basename(dir)}.jsonl`);
    cleanups.push(() => rm(file, { force: true }));
    expect(await main(["run", `add is broken; the key ${env.OPENAI_API_KEY} is not for you`, "--repo", dir, "--transcript", file], io)).toBe(0);
    const text = await readFile(file, "utf8");
    const entries = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; name?: string; arguments?: string; output?: string });
    expect(entries[0]).toMatchObject({ type: "task", kind: "cli", model: "gpt-5-codex" });
    expect(entries.filter((e) => e.type === "tool_call").map((e) => e.name)).toEqual(["update_plan", "read_file", "apply_patch", "shell"]);
    expect(entries.find((e) => e.name === "apply_patch" && e.type === "tool_call")?.arguments).toContain("return a + b;");
    expect(entries.some((e) => e.type === "tool_result" && e.name === "shell")).toBe(true);
    expect(entries.some((e) => e.type === "usage")).toBe(true);
    expect(entries.at(-1)).toMatchObject({ type: "outcome", outcome: "completed" });
    expect(text).not.toContain(env.OPENAI_API_KEY);
  });

  it("draws the live display on a terminal: plan checklist and status line redrawn in place", async () => {
    const { dir, env } = await setup(FIX_SCRIPT);
    const io = captureIo({ env, tty: true });
    expect(await main(["run", "fix add", "--repo", dir], io)).toBe(0);
    const out = io.out();
    expect(out).toContain("\x1b[J");
    expect(out).toMatch(/turn 4 · running shell node test\.mjs · [\d.]+k? tokens · \$/);
    expect(out).toContain("[>] Find the bug");
    expect(out).toContain("Changed files (1):");
  });

  it("--json prints one event per line and ends with the result object", async () => {
    const { dir, env } = await setup(FIX_SCRIPT);
    const io = captureIo({ env });
    const code = await main(["run", "fix add", "--repo", dir, "--json", "--wire", "chat"], io);
    expect(code).toBe(0);
    const lines = io
      .out()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const types = lines.map((l) => l.type);
    expect(types).toContain("turn_start");
    expect(types).toContain("tool_call");
    expect(types).toContain("plan_update");
    expect(types).toContain("usage");
    expect(types.at(-1)).toBe("result");
    expect(lines.at(-1)).toMatchObject({ type: "result", outcome: "completed", exitCode: 0, changedFiles: ["src/add.mjs"], turns: 5 });
  });

  it("exits 3 when the turn budget runs out", async () => {
    const reading: FakeTurn = { toolCalls: [{ name: "read_file", arguments: { file_path: "README.md" } }] };
    const { dir, env } = await setup([reading, { toolCalls: [{ name: "read_file", arguments: { file_path: "test.mjs" } }] }, reading, reading]);
    const io = captureIo({ env });
    const code = await main(["run", "fix add", "--repo", dir, "--max-turns", "2", "--json"], io);
    expect(code).toBe(3);
    const result = JSON.parse(io.out().trimEnd().split("\n").at(-1)!) as { outcome: string; exitCode: number };
    expect(result).toMatchObject({ outcome: "budget_exhausted", exitCode: 3 });
  });

  it("exits 4 when the agent changes nothing", async () => {
    const { dir, env } = await setup([{ text: "Title: Nothing to do\n\nThe code already adds." }]);
    const io = captureIo({ env });
    const code = await main(["run", "fix add", "--repo", dir], io);
    expect(code).toBe(4);
    expect(io.out()).toContain("Finished without changing any file");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("commits on a new branch with --branch --commit, leaving the original branch alone", async () => {
    const { dir, env } = await setup(FIX_SCRIPT);
    const io = captureIo({ env });
    const code = await main(["run", "--task-file", "-", "--repo", dir, "--branch", "fix/add", "--commit"], {
      ...io,
      stdin: captureIo({ env, stdin: "fix add\n" }).stdin,
    });
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("fix/add");
    expect(git(dir, "log", "-1", "--format=%s", "fix/add").trim()).toBe("Fix add() to add");
    expect(git(dir, "show", "fix/add:src/add.mjs")).toContain("a + b");
    expect(git(dir, "show", "main:src/add.mjs")).toContain("a - b");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(io.out()).toMatch(/Committed [0-9a-f]{7} on new branch fix\/add/);
  });

  it("explains a missing API key before calling anything", async () => {
    const { dir } = await setup([]);
    const io = captureIo({ env: {} });
    expect(await main(["run", "fix add", "--repo", dir], io)).toBe(2);
    expect(io.err()).toContain("OPENAI_API_KEY is not set");
    expect(io.err()).toContain("OPENAI_BASE_URL");
  });

  it("needs no key for a local OpenAI-compatible server", async () => {
    const { dir, model, env } = await setup([{ text: "Title: ok\n\nNothing to change." }]);
    const io = captureIo({ env: { OPENAI_BASE_URL: env.OPENAI_BASE_URL } });
    expect(await main(["run", "fix add", "--repo", dir, "--wire", "chat"], io)).toBe(4);
    expect(model.turnRequests()).toHaveLength(1);
  });

  it("refuses a directory that is not a git repository", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cli-not-git-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const io = captureIo({ env: { OPENAI_API_KEY: "sk-test-cli-0123456789abcdef" } });
    expect(await main(["run", "fix add", "--repo", dir], io)).toBe(2);
    expect(io.err()).toContain(`${dir} is not a git repository`);
    const missing = captureIo({ env: { OPENAI_API_KEY: "sk-test-cli-0123456789abcdef" } });
    expect(await main(["run", "fix add", "--repo", path.join(dir, "nope")], missing)).toBe(2);
    expect(missing.err()).toContain("does not exist");
  });

  it("names an unreachable endpoint and never prints the key", async () => {
    const { dir } = await setup([]);
    // A port that was just free: nothing listens there.
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const key = "sk-test-cli-0123456789abcdef";
    const io = captureIo({ env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: key } });
    // No retries, so the test does not sit through the backoff a user gets for a flaky network.
    const deps = {
      ...(await defaultCliDeps()),
      runAgent: (input: Parameters<typeof runAgent>[0]) => runAgent({ ...input, model: { ...input.model, maxRetries: 0 } }),
    };
    expect(await main(["run", "fix add", "--repo", dir, "--json"], io, deps)).toBe(1);
    expect(io.err()).toContain(`Cannot reach the model endpoint http://127.0.0.1:${port}/v1`);
    expect(io.err() + io.out()).not.toContain(key);
  });

  it("shows usage errors with a pointer to help", async () => {
    const io = captureIo({ env: {} });
    expect(await main(["run", "x", "--max-turns", "lots"], io)).toBe(2);
    expect(io.err()).toContain('--max-turns must be a whole number of at least 1, got "lots"');
    expect(io.err()).toContain('Run "issue-agent run --help"');
  });
});
