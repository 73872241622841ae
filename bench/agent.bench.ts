/**
 * Agent-loop benchmarks (npm run bench -- agent):
 *   1. loop overhead per turn with an instant in-process model (target: median < 10 ms);
 *   2. prefix stability: share of each request's bytes equal to the previous request's prefix,
 *      between compactions (target: > 90%);
 *   3. total input tokens of a 60-turn run with `semantic` versus `minimal` compaction.
 * Token counts use the fake model's estimate (request bytes / 4).
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runAgent } from "../src/agent/index.js";
import { buildResponsesParams } from "../src/agent/model/responses-client.js";
import type { HistoryItem, ModelClient, ModelRequest, ModelTurn } from "../src/agent/model/types.js";
import type { AgentEvent, ModelSettings, RunAgentInput } from "../src/agent/types.js";
import type { Sandbox } from "../src/sandbox/types.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/agent-calc", import.meta.url));
const TURNS = 60;

/** A model that answers instantly from a script and records the wire body it would have sent. */
function instantModel(settings: ModelSettings, script: (i: number) => { text?: string; calls?: { name: string; args: unknown }[] }) {
  const bodies: string[] = [];
  let n = 0;
  let kinds: ("turn" | "summary")[] = [];
  const client: ModelClient = {
    model: settings.name,
    wireApi: "responses",
    async complete(req: ModelRequest): Promise<ModelTurn> {
      const body = JSON.stringify(buildResponsesParams(settings, req));
      bodies.push(body);
      const last = req.history.at(-1);
      const isSummary = last?.type === "message" && last.text.includes("CONTEXT CHECKPOINT COMPACTION");
      kinds.push(isSummary ? "summary" : "turn");
      const s = isSummary ? { text: "Summary: reading big.txt in chunks; continue at the next offset." } : script(n++);
      const items: HistoryItem[] = [];
      if (s.text) items.push({ type: "message", role: "assistant", text: s.text });
      const toolCalls = (s.calls ?? []).map((c, k) => ({ callId: `c${n}_${k}`, name: c.name, arguments: JSON.stringify(c.args) }));
      for (const c of toolCalls) items.push({ type: "function_call", ...c });
      return {
        text: s.text ?? "",
        toolCalls,
        items,
        requestBytes: body.length,
        usage: { input: Math.ceil(body.length / 4), cachedInput: 0, output: 20, reasoning: 0 },
      };
    },
  };
  return { client, bodies, kinds: () => kinds, reset: () => ((bodies.length = 0), (kinds = []), (n = 0)) };
}

const noSandbox: Sandbox = {
  policy: { mode: "read-only", workspaceDir: "/", network: "off" },
  run: async () => ({ exitCode: 0, signal: null, stdout: "", stderr: "", truncated: false, timedOut: false, durationMs: 0 }),
};

async function run(dir: string, strategy: "semantic" | "aggressive" | "minimal", contextWindow: number, bigReads: boolean) {
  const settings: ModelSettings = { name: "gpt-5", wireApi: "responses", contextWindow };
  const model = instantModel(settings, (i) =>
    i < TURNS
      ? {
          calls: [
            bigReads
              ? { name: "read_file", args: { file_path: "big.txt", offset: i * 30 + 1, limit: 30 } }
              : { name: "update_plan", args: { plan: [{ step: `step ${i}`, status: "in_progress" }] } },
          ],
        }
      : { text: "Title: done\n\ndone" },
  );
  const turnTimes: number[] = [];
  let last = 0;
  const events: AgentEvent[] = [];
  const input: RunAgentInput = {
    task: { kind: "cli", text: "Read big.txt fully and summarise it." },
    workspaceDir: dir,
    sandbox: noSandbox,
    model: settings,
    limits: { maxTurns: 200, maxMinutes: 10, maxTokens: 1e12, maxUsd: 1e9 },
    compaction: { strategy, threshold: 0.8 },
    onEvent: (e) => {
      events.push(e);
      if (e.type === "turn_start") {
        const now = performance.now();
        if (last) turnTimes.push(now - last);
        last = now;
      }
    },
  };
  const result = await runAgent(input, { client: model.client });
  return { result, bodies: model.bodies, kinds: model.kinds(), turnTimes, events };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

const dir = await mkdtemp(path.join(os.tmpdir(), "agent-bench-"));
try {
  await cp(fixture, dir, { recursive: true });
  await writeFile(path.join(dir, "big.txt"), Array.from({ length: 2000 }, (_, i) => `line ${i}: ${"lorem ipsum dolor sit amet ".repeat(3)}`).join("\n"));

  // 1. Loop overhead (small tool calls, no compaction).
  await run(dir, "semantic", 400_000, false); // warm-up
  const overhead = await run(dir, "semantic", 400_000, false);
  console.log(
    `loop overhead per turn (instant model, update_plan tool): median ${median(overhead.turnTimes).toFixed(2)} ms, p90 ${[...overhead.turnTimes].sort((a, b) => a - b)[Math.floor(overhead.turnTimes.length * 0.9)]!.toFixed(2)} ms over ${overhead.turnTimes.length} turns (target < 10 ms)`,
  );
  const reads = await run(dir, "semantic", 400_000, true);
  console.log(`loop overhead per turn (instant model, read_file 30 lines): median ${median(reads.turnTimes).toFixed(2)} ms`);

  // 2. Prefix stability across a long run with compactions (32k window).
  const long = await run(dir, "semantic", 32_000, true);
  const shares: number[] = [];
  const kept: number[] = [];
  let prev: string | undefined;
  long.bodies.forEach((body, i) => {
    if (long.kinds[i] === "summary") {
      prev = undefined; // the next request starts a new prefix by design
      return;
    }
    if (prev !== undefined) shares.push(commonPrefix(prev, body) / body.length);
    // The previous request minus its closing brackets should survive verbatim.
    if (prev !== undefined) kept.push(commonPrefix(prev, body) / (prev.length - 3));
    prev = body;
  });
  const compactions = long.events.filter((e) => e.type === "compaction").length;
  console.log(
    `prefix stability between compactions (32k window, ${compactions} compactions): median ${(median(shares) * 100).toFixed(1)}%, min ${(Math.min(...shares) * 100).toFixed(1)}% over ${shares.length} request pairs (target > 90%); previous request kept verbatim as prefix: min ${(Math.min(...kept) * 100).toFixed(1)}%`,
  );

  // 3. Total input tokens for 60 turns.
  const semantic = long.result;
  const minimalSame = await run(dir, "minimal", 32_000, true);
  const minimalBig = await run(dir, "minimal", 1_000_000, true);
  console.log(
    `60-turn run input tokens, semantic (32k window): ${semantic.usage.input} in ${semantic.turns} turns + ${compactions} summaries, outcome ${semantic.outcome}`,
  );
  console.log(
    `60-turn run input tokens, minimal (32k window): ${minimalSame.result.usage.input} in ${minimalSame.result.turns} turns, outcome ${minimalSame.result.outcome} (${minimalSame.result.error?.code ?? ""})`,
  );
  console.log(`60-turn run input tokens, minimal (1M window, never full): ${minimalBig.result.usage.input} in ${minimalBig.result.turns} turns`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
