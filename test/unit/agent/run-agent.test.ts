import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/index.js";
import type { AgentEvent } from "../../../src/agent/types.js";
import { startFakeModel, type FakeModel } from "../../helpers/fake-model.js";
import { agentInput, copyFixture, FIX_PATCH } from "./agent-test-kit.js";

let model: FakeModel | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await model?.close();
  await cleanup?.();
  model = undefined;
  cleanup = undefined;
});

async function setup(script: Parameters<typeof startFakeModel>[0]["script"]) {
  const fx = await copyFixture("agent-calc");
  cleanup = fx.cleanup;
  model = await startFakeModel({ script });
  return { dir: fx.dir, model };
}

const FIX_SCRIPT = [
  { text: "Let me look at sum.", toolCalls: [{ name: "read_file", arguments: { file_path: "src/sum.js" } }], reasoning: "inspect first" },
  { toolCalls: [{ name: "apply_patch", arguments: { input: FIX_PATCH } }] },
  { toolCalls: [{ name: "shell", arguments: { command: ["node", "--test"] } }] },
  { text: "Title: Fix sum to add its arguments\n\n`sum` subtracted instead of adding. Fixed it; `node --test` passes." },
];

describe("runAgent", () => {
  it.each([
    { wireApi: "responses" as const, stream: true },
    { wireApi: "responses" as const, stream: false },
    { wireApi: "chat" as const, stream: true },
    { wireApi: "chat" as const, stream: false },
  ])("fixes a real bug: read_file -> apply_patch -> shell tests -> final answer ($wireApi, stream=$stream)", async ({ wireApi, stream }) => {
    const { dir, model } = await setup(FIX_SCRIPT);
    const events: AgentEvent[] = [];
    const input = agentInput(dir, model.baseURL, { onEvent: (e) => events.push(e) });
    const result = await runAgent({ ...input, model: { ...input.model, wireApi, stream } });

    expect(result.outcome).toBe("completed");
    expect(await readFile(path.join(dir, "src/sum.js"), "utf8")).toContain("return a + b;");
    expect(result.prTitle).toBe("Fix sum to add its arguments");
    expect(result.prBody).toContain("node --test");
    expect(result.testsRun).toEqual([{ command: "node --test", exitCode: 0 }]);
    expect(result.changedFiles).toEqual(["src/sum.js"]);
    expect(result.turns).toBe(4);
    expect(result.usage.input).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).toEqual([
      "turn_start",
      "usage",
      "model_text",
      "tool_call",
      "tool_result",
      "turn_start",
      "usage",
      "tool_call",
      "tool_result",
      "turn_start",
      "usage",
      "tool_call",
      "tool_result",
      "turn_start",
      "usage",
      "model_text",
      "outcome",
    ]);
    const reqs = model.turnRequests();
    expect(reqs).toHaveLength(4);
    const last = JSON.stringify(reqs[3]!.body);
    expect(last).toContain("L3:   return a - b;");
    expect(last).toContain("Success. Updated the following files:\\nM src/sum.js");
    expect(last).toContain("Exit code: 0");
    // Root AGENTS.md is part of the instructions.
    const instructions = wireApi === "responses" ? reqs[0]!.body.instructions : reqs[0]!.body.messages[0].content;
    expect(instructions).toContain("Run the tests with `node --test`");
    if (wireApi === "responses") {
      expect(reqs.every((r) => r.body.store === false)).toBe(true);
      // The reasoning item from turn 1 is carried forward.
      expect(reqs[1]!.body.input.some((i: { type?: string }) => i.type === "reasoning")).toBe(true);
    }
  });

  it("keeps instructions and tools byte-identical and the history append-only (prefix cache)", async () => {
    const { dir, model } = await setup(FIX_SCRIPT);
    await runAgent(agentInput(dir, model.baseURL));
    const reqs = model.turnRequests();
    for (let i = 1; i < reqs.length; i++) {
      expect(reqs[i]!.body.instructions).toBe(reqs[0]!.body.instructions);
      expect(JSON.stringify(reqs[i]!.body.tools)).toBe(JSON.stringify(reqs[0]!.body.tools));
      const prev = JSON.stringify(reqs[i - 1]!.body.input);
      expect(JSON.stringify(reqs[i]!.body.input).startsWith(prev.slice(0, -1))).toBe(true);
    }
    expect(reqs[0]!.body.tools.map((t: { name: string }) => t.name)).toEqual(["shell", "apply_patch", "read_file", "list_dir", "grep", "update_plan"]);
  });

  it("recovers from unknown tools, broken JSON, schema failures and oversized arguments", async () => {
    const { dir, model } = await setup([
      {
        toolCalls: [
          { name: "run_terminal", arguments: { cmd: "ls" } },
          { name: "read_file", arguments: "{not json" },
          { name: "read_file", arguments: { path: 42 } },
          { name: "apply_patch", arguments: { input: "x".repeat(600 * 1024) } },
          { name: "shell", arguments: "[1,2]" },
        ],
      },
      { text: "Title: Nothing to do\n\nGave up politely." },
    ]);
    const events: AgentEvent[] = [];
    const result = await runAgent(agentInput(dir, model.baseURL, { onEvent: (e) => events.push(e) }));
    expect(result.outcome).toBe("no_changes");
    const outputs = events.filter((e) => e.type === "tool_result").map((e) => (e as { output: string }).output);
    expect(outputs[0]).toMatch(/Unknown tool 'run_terminal'. Available tools: shell, apply_patch, read_file/);
    expect(outputs[1]).toMatch(/not valid JSON/);
    expect(outputs[2]).toMatch(/Invalid arguments for read_file:\n- file_path: /);
    expect(outputs[3]).toMatch(/over the 524288-byte limit/);
    expect(outputs[4]).toMatch(/must be a JSON object/);
    // Every call got an answer the model could read, in call order.
    const second = model.turnRequests()[1]!.body.input as { type: string; output?: string }[];
    expect(second.filter((i) => i.type === "function_call_output")).toHaveLength(5);
  });

  it("nudges a model that repeats the same failing call, and stops it if it goes on", async () => {
    const bad = { name: "read_file", arguments: { file_path: "does/not/exist.js" } };
    const { dir, model } = await setup(Array.from({ length: 10 }, () => ({ toolCalls: [bad] })));
    const result = await runAgent(agentInput(dir, model.baseURL));
    expect(result.outcome).toBe("failed");
    expect(result.error?.code).toBe("agent/loop");
    expect(JSON.stringify(model.turnRequests()[3]!.body.input)).toContain("this exact call has now failed 3 times in a row");
    expect(result.turns).toBe(6);
  });

  it("nudges after an empty reply and fails after three in a row", async () => {
    const { dir, model } = await setup([{ text: "" }, { toolCalls: [{ name: "list_dir", arguments: {} }] }, { text: "" }, { text: "" }, { text: "" }]);
    const result = await runAgent(agentInput(dir, model.baseURL));
    expect(JSON.stringify(model.turnRequests()[1]!.body.input)).toContain("Your last reply was empty");
    expect(result).toMatchObject({ outcome: "failed", error: { code: "agent/empty-replies" } });
  });

  it("refuses path escapes (.., absolute, symlink) and keeps going", async () => {
    const { symlink } = await import("node:fs/promises");
    const { dir, model } = await setup([
      {
        toolCalls: [
          { name: "read_file", arguments: { file_path: "../../../etc/passwd" } },
          { name: "read_file", arguments: { file_path: "/etc/passwd" } },
          { name: "read_file", arguments: { file_path: "evil" } },
          { name: "list_dir", arguments: { dir_path: "link-dir" } },
          { name: "shell", arguments: { command: ["cat", "passwd"], workdir: "link-dir" } },
        ],
      },
      { text: "Title: done\n\nok" },
    ]);
    await symlink("/etc/passwd", path.join(dir, "evil"));
    await symlink("/etc", path.join(dir, "link-dir"));
    const events: AgentEvent[] = [];
    const result = await runAgent(agentInput(dir, model.baseURL, { onEvent: (e) => events.push(e) }));
    const results = events.filter((e) => e.type === "tool_result") as Extract<AgentEvent, { type: "tool_result" }>[];
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false]);
    for (const r of results) expect(r.output).toMatch(/outside the workspace/);
    expect(JSON.stringify(model.requests.map((r) => r.body))).not.toContain("root:x:0:0");
    expect(result.outcome).toBe("no_changes");
  });
});

describe("runAgent with native Responses tools", () => {
  it("offers apply_patch and shell as native tool types and round-trips their calls", async () => {
    const { dir, model } = await setup([
      {
        toolCalls: [
          {
            name: "apply_patch",
            native: "apply_patch",
            arguments: { type: "update_file", path: "src/sum.js", diff: "@@ export function sum(a, b) {\n-  return a - b;\n+  return a + b;\n" },
          },
        ],
      },
      { toolCalls: [{ name: "apply_patch", native: "apply_patch", arguments: { type: "create_file", path: "NOTES.md", diff: "+fixed\n" } }] },
      { toolCalls: [{ name: "shell", native: "shell", arguments: { commands: ["node --test"], timeout_ms: 60_000, max_output_length: null } }] },
      { text: "Title: Fix sum\n\nDone." },
    ]);
    const base = agentInput(dir, model.baseURL);
    const result = await runAgent({ ...base, model: { ...base.model, nativeTools: true } });
    expect(result.outcome).toBe("completed");
    expect(result.changedFiles).toEqual(["NOTES.md", "src/sum.js"]);
    expect(await readFile(path.join(dir, "NOTES.md"), "utf8")).toBe("fixed\n");
    expect(result.testsRun).toEqual([{ command: "node --test", exitCode: 0 }]);
    const reqs = model.turnRequests();
    expect(reqs[0]!.body.tools.slice(0, 2)).toEqual([{ type: "shell" }, { type: "apply_patch" }]);
    const input = reqs[3]!.body.input as { type?: string; status?: string; output?: unknown }[];
    expect(input.filter((i) => i.type === "apply_patch_call")).toHaveLength(2);
    expect(input.filter((i) => i.type === "apply_patch_call_output").map((i) => i.status)).toEqual(["completed", "completed"]);
    const shellOut = input.find((i) => i.type === "shell_call_output") as { output: { outcome: unknown }[] };
    expect(shellOut.output[0]!.outcome).toEqual({ type: "exit", exit_code: 0 });
  });
});

describe("runAgent task input", () => {
  it("sends issue images as image inputs only when the model has vision", async () => {
    const { dir, model } = await setup([{ text: "Title: a\n\nb" }, { text: "Title: a\n\nb" }]);
    const base = agentInput(dir, model.baseURL, { task: { kind: "resolve-issue", text: "See screenshot", images: ["https://user-images.example/shot.png"] } });
    await runAgent({ ...base, model: { ...base.model, vision: true } });
    await runAgent(base);
    const [withVision, without] = model.turnRequests();
    expect(JSON.stringify(withVision!.body.input[0])).toContain('"type":"input_image","image_url":"https://user-images.example/shot.png"');
    expect(JSON.stringify(without!.body.input[0])).not.toContain("input_image");
  });

  it("clips a task too large for the context window", async () => {
    const { dir, model } = await setup([{ text: "Title: a\n\nb" }]);
    const base = agentInput(dir, model.baseURL, { task: { kind: "resolve-issue", text: "start " + "x".repeat(200_000) + " end" } });
    await runAgent({ ...base, model: { ...base.model, contextWindow: 16_000 } });
    const first = model.turnRequests()[0]!;
    expect(first.inputTokens).toBeLessThan(16_000);
    expect(first.body.input[0].content).toMatch(
      /^<task kind="resolve-issue">\nstart x+\n\[\.\.\. \d+ characters of the task cut to fit the context window \.\.\.\]\nx+ end\n<\/task>$/,
    );
  });
});
