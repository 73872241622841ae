import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/agent/types.js";
import { createJsonRenderer, createLineRenderer, createTtyRenderer, type CliOutput } from "../../../src/cli/renderers.js";

function buffer(tty = false): CliOutput & { text: string } {
  const out = { text: "", isTTY: tty, columns: 80, write: (s: string) => (out.text += s) };
  return out;
}

const events: AgentEvent[] = [
  { type: "turn_start", turn: 1 },
  {
    type: "plan_update",
    plan: [
      { step: "Read the code", status: "completed" },
      { step: "Fix add()", status: "in_progress" },
      { step: "Run tests", status: "pending" },
    ],
  },
  { type: "tool_call", name: "shell", callId: "c1", arguments: JSON.stringify({ command: ["bash", "-lc", "npm test"] }) },
  { type: "tool_result", name: "shell", callId: "c1", ok: false, output: "1 failing\nexpected 3", durationMs: 1530 },
  {
    type: "tool_call",
    name: "apply_patch",
    callId: "c2",
    arguments: JSON.stringify({ input: "*** Begin Patch\n*** Update File: src/add.js\n@@\n-a\n+b\n*** End Patch" }),
  },
  { type: "tool_result", name: "apply_patch", callId: "c2", ok: true, output: "Done", durationMs: 4 },
  { type: "usage", usage: { input: 12_345, cachedInput: 2_000, output: 678, reasoning: 0 }, costUsd: 0.0421, turn: 1 },
  { type: "outcome", outcome: "completed", summary: "Fixed add()" },
];

describe("line renderer (not a terminal)", () => {
  it("prints one readable line per event, no escape codes", () => {
    const out = buffer();
    const r = createLineRenderer(out);
    for (const e of events) r.event(e);
    r.finish();
    expect(out.text).not.toContain("\x1b");
    expect(out.text).toContain("turn 1\n");
    expect(out.text).toContain("  tool: shell npm test\n");
    // A failing command's output: its last lines, not a flattened fragment.
    expect(out.text).toContain("  error (1.5 s)\n    | 1 failing\n    | expected 3\n");
    expect(out.text).toContain("  tool: apply_patch src/add.js\n");
    expect(out.text).toContain("    [x] Read the code\n    [>] Fix add()\n    [ ] Run tests\n");
    expect(out.text).toContain("usage: 12.3k in (2.0k cached) · 678 out · $0.04");
    expect(out.text).toContain("outcome: completed");
  });
});

describe("json renderer", () => {
  it("writes each event as one parseable line", () => {
    const out = buffer();
    const r = createJsonRenderer(out);
    for (const e of events) r.event(e);
    r.note("hello");
    const lines = out.text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual([...events.map((e) => e.type), "note"]);
    expect(lines[0]).toEqual(events[0]);
  });
});

describe("tty renderer", () => {
  it("redraws a footer in place with the plan, turn, current tool, tokens and cost", () => {
    const out = buffer(true);
    let t = 0;
    const r = createTtyRenderer(out, { now: () => (t += 1000), tickMs: 0 });
    for (const e of events.slice(0, 3)) r.event(e);
    // While a tool runs, the status line names it.
    const beforeResult = out.text.slice(out.text.lastIndexOf("\x1b[J"));
    expect(beforeResult).toContain("[>] Fix add()");
    expect(beforeResult).toMatch(/turn 1 · running shell npm test · 0 tokens · \$0\.00/);
    for (const e of events.slice(3)) r.event(e);
    const last = out.text.slice(out.text.lastIndexOf("\x1b[J"));
    expect(last).toMatch(/turn 1 · thinking · 13\.0k tokens · \$0\.04/);
    // Finished tools stay on screen above the footer.
    expect(out.text).toContain("shell npm test (1.5 s)");
    expect(out.text).toContain("apply_patch src/add.js (4 ms)");
    // Every redraw first moves up over exactly the lines it drew last time (3 plan + 1 status).
    expect(out.text).toContain("\x1b[4A\r\x1b[J");
    r.finish();
    expect(out.text.endsWith("  [x] Read the code\n  [>] Fix add()\n  [ ] Run tests\n")).toBe(true);
  });

  it("cuts footer lines to the terminal width so the redraw stays aligned", () => {
    const out = buffer(true);
    out.columns = 50;
    const r = createTtyRenderer(out, { tickMs: 0 });
    r.event({ type: "plan_update", plan: [{ step: "x".repeat(200), status: "pending" }] });
    r.event({ type: "tool_call", name: "shell", callId: "c", arguments: JSON.stringify({ command: "y".repeat(300) }) });
    r.event({ type: "tool_result", name: "shell", callId: "c", ok: false, output: `${"z".repeat(300)}\nlast line`, durationMs: 5 });
    r.note("n".repeat(300));
    const footer = out.text.split("\n").filter(Boolean);
    // eslint-disable-next-line no-control-regex -- stripping ANSI escapes is the point
    for (const line of footer) expect(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "").length).toBeLessThanOrEqual(49);
  });

  it("ticks: the clock moves at least once a second with no events", async () => {
    const out = buffer(true);
    let t = 0;
    const r = createTtyRenderer(out, { now: () => t, tickMs: 50 });
    r.event({ type: "turn_start", turn: 1 });
    t = 3000;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(out.text).toMatch(/turn 1 · thinking · 0 tokens · \$0\.00 · 3 s/);
    r.finish();
    const after = out.text.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(out.text.length).toBe(after); // stopped with the run
  });

  it("shows the tail of a failing command's output under it", () => {
    const out = buffer(true);
    const r = createTtyRenderer(out, { tickMs: 0 });
    const output = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    r.event({ type: "tool_call", name: "shell", callId: "c", arguments: JSON.stringify({ command: "npm test" }) });
    r.event({ type: "tool_result", name: "shell", callId: "c", ok: false, output, durationMs: 5 });
    expect(out.text).toContain("line 20");
    expect(out.text).toContain("line 13");
    expect(out.text).not.toContain("line 12\n");
  });

  it("shows the plan as a checklist, never the update_plan JSON, and an unpriced model's cost as unknown", () => {
    const out = buffer(true);
    const r = createTtyRenderer(out, { tickMs: 0, priced: false });
    const plan = [
      { step: "Read", status: "completed" as const },
      { step: "Fix", status: "in_progress" as const },
    ];
    r.event({ type: "tool_call", name: "update_plan", callId: "p", arguments: JSON.stringify({ plan }) });
    r.event({ type: "plan_update", plan });
    r.event({ type: "tool_result", name: "update_plan", callId: "p", ok: true, output: "Plan updated", durationMs: 1 });
    r.event({ type: "usage", usage: { input: 10, cachedInput: 0, output: 5, reasoning: 0 }, costUsd: 0, turn: 1 });
    expect(out.text).not.toContain('{"plan"');
    expect(out.text).toContain("update plan (2 steps)");
    expect(out.text).toContain("[x] Read");
    expect(out.text).toContain("cost unknown");
    expect(out.text).not.toContain("$0.00");
    r.finish();
  });
});
