import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/index.js";
import type { AgentEvent, RunAgentInput } from "../../../src/agent/types.js";
import { startFakeModel, type FakeModel, type FakeScript } from "../../helpers/fake-model.js";
import { agentInput, copyFixture } from "./agent-test-kit.js";

let model: FakeModel | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await model?.close();
  await cleanup?.();
  model = undefined;
  cleanup = undefined;
});

async function setup(script: FakeScript, summarize?: () => string) {
  const fx = await copyFixture("agent-calc");
  cleanup = fx.cleanup;
  model = await startFakeModel({ script, ...(summarize ? { summarize } : {}) });
  return { dir: fx.dir, model };
}

const listForever: FakeScript = () => ({ toolCalls: [{ name: "list_dir", arguments: {} }], usage: { input: 1000, output: 100 } });

describe("budgets", () => {
  it.each([
    { budget: "turns", limits: { maxTurns: 3 }, code: "budget/turns", turns: 3 },
    { budget: "tokens", limits: { maxTokens: 2500 }, code: "budget/tokens", turns: 3 },
    // gpt-5: 1000 input * 1.25 + 100 output * 10 = 0.00225 USD per turn.
    { budget: "usd", limits: { maxUsd: 0.005 }, code: "budget/usd", turns: 3 },
  ])("stops with budget_exhausted when the $budget budget runs out", async ({ limits, code, turns }) => {
    const { dir, model } = await setup(listForever);
    const base = agentInput(dir, model.baseURL);
    const result = await runAgent({ ...base, limits: { ...base.limits, ...limits } });
    expect(result).toMatchObject({ outcome: "budget_exhausted", error: { code }, turns });
    expect(result.summary).toMatch(/^Stopped after 3 turns: the .* budget/);
  });

  it("stops with budget_exhausted when the time budget runs out mid model call", async () => {
    const { dir, model } = await setup([{ toolCalls: [{ name: "list_dir", arguments: {} }] }, { text: "late", delayMs: 5000 }]);
    const base = agentInput(dir, model.baseURL);
    const started = Date.now();
    const result = await runAgent({ ...base, limits: { ...base.limits, maxMinutes: 0.005 } });
    expect(result).toMatchObject({ outcome: "budget_exhausted", error: { code: "budget/minutes" } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports what was done and what is left when a budget stops the run", async () => {
    const { dir, model } = await setup([
      {
        toolCalls: [
          {
            name: "update_plan",
            arguments: {
              plan: [
                { step: "Find the bug", status: "completed" },
                { step: "Fix sum", status: "in_progress" },
              ],
            },
          },
        ],
      },
      { toolCalls: [{ name: "shell", arguments: { command: "node --test" } }] },
      { toolCalls: [{ name: "list_dir", arguments: {} }] },
    ]);
    const base = agentInput(dir, model.baseURL);
    const result = await runAgent({ ...base, limits: { ...base.limits, maxTurns: 2 } });
    expect(result.summary).toContain("Done:\n- Find the bug");
    expect(result.summary).toContain("Left to do:\n- Fix sum (in progress)");
    expect(result.summary).toContain("Tests run:\n- `node --test` exit 1");
    expect(result.plan).toHaveLength(2);
  });

  it("ends with failed and the typed model error when the model stays unreachable", async () => {
    const { dir, model } = await setup(Array.from({ length: 5 }, () => ({ error: { status: 429, retryAfter: "0" } })));
    const result = await runAgent(agentInput(dir, model.baseURL));
    expect(result).toMatchObject({ outcome: "failed", error: { code: "model/rate-limited" }, turns: 1 });
    expect(result.error?.message).not.toContain("sk-test-key-0123456789");
    expect(model.requests).toHaveLength(3);
  });

  it("computes cost from the reported usage with the price table", async () => {
    const { dir, model } = await setup([{ text: "Title: x\n\ny", usage: { input: 2_000_000, cachedInput: 1_000_000, output: 100_000 } }]);
    const result = await runAgent(agentInput(dir, model.baseURL));
    // 1M uncached * 1.25 + 1M cached * 0.125 + 0.1M * 10
    expect(result.costUsd).toBeCloseTo(1.25 + 0.125 + 1, 6);
    expect(result.usage).toEqual({ input: 2_000_000, cachedInput: 1_000_000, output: 100_000, reasoning: 0 });
  });
});

describe("context compaction", () => {
  const WINDOW = 8000;
  async function longRun(strategy: "semantic" | "aggressive" | "minimal") {
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i}: ${"lorem ipsum dolor sit amet ".repeat(3)}`).join("\n");
    const { dir, model } = await setup(
      (_req, i) =>
        i < 60
          ? { toolCalls: [{ name: "read_file", arguments: { file_path: "big.txt", offset: i * 30 + 1, limit: 30 } }] }
          : { text: "Title: Read it all\n\nDone." },
      () => "Summary: reading big.txt in chunks of 30 lines; continue from the next offset.",
    );
    await writeFile(path.join(dir, "big.txt"), big);
    const events: AgentEvent[] = [];
    const base = agentInput(dir, model.baseURL);
    const input: RunAgentInput = {
      ...base,
      model: { ...base.model, contextWindow: WINDOW },
      limits: { ...base.limits, maxTurns: 100 },
      compaction: { strategy, threshold: 0.8 },
      onEvent: (e) => events.push(e),
    };
    return { result: await runAgent(input), events, model };
  }

  it.each(["semantic", "aggressive"] as const)("%s: a 60-turn run with large outputs never sends a request above the window", async (strategy) => {
    const { result, events, model } = await longRun(strategy);
    expect(result.outcome).toBe("no_changes");
    expect(result.turns).toBe(61);
    expect(model.summaryRequests().length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "compaction").length).toBe(model.summaryRequests().length);
    const max = Math.max(...model.requests.map((r) => r.inputTokens));
    expect(max).toBeLessThanOrEqual(WINDOW);
    // The summary replaced the old turns; the task is still first.
    const last = model.turnRequests().at(-1)!.body.input as { role?: string; content?: string }[];
    expect(last[0]!.content).toContain("Issue #1");
    expect(JSON.stringify(last)).toContain("Summary: reading big.txt in chunks");
    // The summary request asked for a hand-off and stayed under the window too.
    expect(JSON.stringify(model.summaryRequests()[0]!.body.input)).toContain("hand-off summary");
  });

  it("minimal: never compacts and stops clearly when the window is full", async () => {
    const { result, model } = await longRun("minimal");
    expect(model.summaryRequests()).toHaveLength(0);
    expect(result).toMatchObject({ outcome: "budget_exhausted", error: { code: "model/context-overflow" } });
    expect(result.summary).toMatch(/no longer fits the context window of 8000 tokens and compaction is off/);
    expect(Math.max(...model.requests.map((r) => r.inputTokens))).toBeLessThanOrEqual(WINDOW);
  });

  it("compacts harder and retries when the provider reports a context overflow", async () => {
    const { dir, model } = await setup([
      { toolCalls: [{ name: "read_file", arguments: { file_path: "src/sum.js" } }] },
      { toolCalls: [{ name: "list_dir", arguments: {} }] },
      { error: { status: 400, code: "context_length_exceeded", message: "maximum context length exceeded" } },
      { text: "Title: ok\n\nok" },
    ]);
    const result = await runAgent(agentInput(dir, model.baseURL));
    expect(result.outcome).toBe("no_changes");
    expect(model.summaryRequests()).toHaveLength(1);
  });
});

describe("control", () => {
  it("cancels mid-run during a tool call and during a model call", async () => {
    const { dir, model } = await setup([{ toolCalls: [{ name: "shell", arguments: { command: "sleep 30" } }] }, { text: "never" }]);
    const ac = new AbortController();
    const started = Date.now();
    const result = await runAgent({
      ...agentInput(dir, model.baseURL),
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === "tool_call") setTimeout(() => ac.abort(), 100);
      },
    });
    expect(result.outcome).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(5000);

    const ac2 = new AbortController();
    const slow = await startFakeModel({ script: [{ text: "slow", delayMs: 10_000 }] });
    try {
      setTimeout(() => ac2.abort(), 150);
      const r2 = await runAgent({ ...agentInput(dir, slow.baseURL), signal: ac2.signal });
      expect(r2.outcome).toBe("cancelled");
    } finally {
      await slow.close();
    }
  });

  it("appends steering messages as user messages and emits an event", async () => {
    const { dir, model } = await setup([{ toolCalls: [{ name: "list_dir", arguments: {} }] }, { text: "Title: ok\n\nok" }]);
    const queue = [[], ["Please also update the README"]];
    const events: AgentEvent[] = [];
    await runAgent({ ...agentInput(dir, model.baseURL), takeMessages: () => queue.shift() ?? [], onEvent: (e) => events.push(e) });
    expect(events).toContainEqual({ type: "steering", message: "Please also update the README" });
    const input = model.turnRequests()[1]!.body.input as { role?: string; content?: string }[];
    expect(input.at(-1)).toEqual({ role: "user", content: "New message from the user while you were working:\nPlease also update the README" });
  });

  it("appends AGENTS.md of a directory the agent works in once, unless skipRepoInstructions", async () => {
    const script = [
      { toolCalls: [{ name: "read_file", arguments: { file_path: "src/money/format.js" } }] },
      { toolCalls: [{ name: "read_file", arguments: { file_path: "src/money/format.js" } }] },
      { text: "Title: ok\n\nok" },
    ];
    const { dir, model } = await setup(script);
    await runAgent(agentInput(dir, model.baseURL));
    const body = JSON.stringify(model.turnRequests()[2]!.body);
    expect(body.split("integers in cents").length - 1).toBe(1);
    expect(body).toContain("Repository instructions from src/money/AGENTS.md");

    const again = await startFakeModel({ script });
    try {
      await runAgent({ ...agentInput(dir, again.baseURL), skipRepoInstructions: true, instructions: "Base branch says: use tabs." });
      const b = JSON.stringify(again.requests.map((r) => r.body));
      expect(b).not.toContain("integers in cents");
      expect(b).not.toContain("Run the tests with `node --test`");
      expect(again.requests[0]!.body.instructions).toContain("Base branch says: use tabs.");
    } finally {
      await again.close();
    }
  });

  it("restricts tools for a read-only run and accepts extra tools", async () => {
    const findings: unknown[] = [];
    const { dir, model } = await setup([
      {
        toolCalls: [
          { name: "shell", arguments: { command: ["apply_patch", "*** Begin Patch\n*** Delete File: src/sum.js\n*** End Patch"] } },
          { name: "report_finding", arguments: { title: "x" } },
        ],
      },
      { text: "Title: Review\n\nOne finding." },
    ]);
    const result = await runAgent({
      ...agentInput(dir, model.baseURL),
      task: { kind: "security-review", text: "Review this diff" },
      toolNames: ["read_file", "list_dir", "grep"],
      extraTools: [
        {
          name: "report_finding",
          description: "Report a finding",
          parameters: { type: "object" },
          mutating: false,
          handle: async (a) => (findings.push(a), { ok: true, output: "recorded" }),
        },
      ],
    });
    expect(model.requests[0]!.body.tools.map((t: { name: string }) => t.name)).toEqual(["read_file", "list_dir", "grep", "report_finding"]);
    expect(findings).toEqual([{ title: "x" }]);
    expect(result.outcome).toBe("no_changes");
    expect(model.requests[0]!.body.instructions).toContain("security review");
  });
});
