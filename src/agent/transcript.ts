/**
 * The run transcript: what a reviewer needs to audit a run, recorded from the agent's events.
 * The task as the model saw it, plan updates, every tool call with its arguments and a head/tail of
 * its output, each edit as the patch the model sent, test commands and exit codes, compactions,
 * tokens and cost per turn, steering messages, and the final summary. Every string is redacted
 * (token shapes and the run's literal secrets) as it is recorded, so no later writer can leak one.
 * Pure: the JSON Lines file, the CLI file and the check run are written by their owners.
 */
import { redactSecrets } from "../shared/redact.js";
import type { AgentEvent } from "./types.js";

export type TranscriptEntry =
  | { type: "task"; at: string; kind: string; model: string; text: string }
  | { type: "plan"; at: string; plan: { step: string; status: string }[]; explanation?: string }
  | { type: "model_text"; at: string; turn: number; text: string }
  | { type: "tool_call"; at: string; turn: number; callId: string; name: string; arguments: string }
  | { type: "tool_result"; at: string; turn: number; callId: string; name: string; ok: boolean; durationMs: number; output: string; truncated: boolean }
  | { type: "compaction"; at: string; strategy: string; tokensBefore: number; tokensAfter: number }
  | { type: "usage"; at: string; turn: number; inputTokens: number; outputTokens: number; costUsd: number }
  | { type: "steering"; at: string; message: string }
  | { type: "note"; at: string; text: string }
  | { type: "diff"; at: string; label: string; diff: string }
  | { type: "outcome"; at: string; outcome: string; summary: string };

export interface TranscriptRecorder {
  readonly entries: readonly TranscriptEntry[];
  /** Feed the agent's events (chain it into `onEvent`). */
  onEvent(event: AgentEvent): void;
  task(kind: string, model: string, text: string): void;
  /** A step of the app itself (self-review findings, the commit method...). */
  note(text: string): void;
  /** The work tree's diff at a point of the run (edits made by shell commands show here too). */
  diff(label: string, diff: string): void;
}

export interface RecorderOptions {
  /** Literal secrets of this run (the installation token, the model key). */
  secrets?: () => readonly string[];
  now?: () => number;
  /** Characters kept of a tool's output: head and tail. */
  outputHead?: number;
  outputTail?: number;
  /** Characters kept of tool arguments (patches are arguments). */
  maxArguments?: number;
}

/** Head and tail of a long text, with what was left out said in the middle. */
export function headTail(text: string, head: number, tail: number): { text: string; truncated: boolean } {
  if (text.length <= head + tail) return { text, truncated: false };
  return { text: `${text.slice(0, head)}\n… [${text.length - head - tail} characters not shown] …\n${text.slice(text.length - tail)}`, truncated: true };
}

export function createTranscriptRecorder(options: RecorderOptions = {}): TranscriptRecorder {
  const entries: TranscriptEntry[] = [];
  const now = options.now ?? Date.now;
  const at = (): string => new Date(now()).toISOString();
  const clean = (text: string): string => redactSecrets(text, options.secrets?.() ?? []);
  const head = options.outputHead ?? 3000;
  const tail = options.outputTail ?? 1500;
  const maxArgs = options.maxArguments ?? 20_000;
  let turn = 0;
  let lastUsage = { input: 0, output: 0, cost: 0 };

  return {
    entries,
    task(kind, model, text) {
      entries.push({ type: "task", at: at(), kind, model, text: clean(text) });
    },
    note(text) {
      entries.push({ type: "note", at: at(), text: clean(text) });
    },
    diff(label, diff) {
      entries.push({ type: "diff", at: at(), label: clean(label), diff: headTail(clean(diff), maxArgs * 5, 0).text });
    },
    onEvent(e) {
      switch (e.type) {
        case "turn_start":
          turn = e.turn;
          return;
        case "model_text":
          entries.push({ type: "model_text", at: at(), turn, text: clean(e.text) });
          return;
        case "tool_call":
          entries.push({ type: "tool_call", at: at(), turn, callId: e.callId, name: e.name, arguments: headTail(clean(e.arguments), maxArgs, 0).text });
          return;
        case "tool_result": {
          const out = headTail(clean(e.output), head, tail);
          entries.push({
            type: "tool_result",
            at: at(),
            turn,
            callId: e.callId,
            name: e.name,
            ok: e.ok,
            durationMs: e.durationMs,
            output: out.text,
            truncated: out.truncated,
          });
          return;
        }
        case "plan_update":
          entries.push({
            type: "plan",
            at: at(),
            plan: e.plan.map((s) => ({ step: clean(s.step), status: s.status })),
            ...(e.explanation ? { explanation: clean(e.explanation) } : {}),
          });
          return;
        case "compaction":
          entries.push({ type: "compaction", at: at(), strategy: e.strategy, tokensBefore: e.tokensBefore, tokensAfter: e.tokensAfter });
          return;
        case "usage": {
          // Events carry the run's running total: the transcript shows each turn's own share.
          const input = e.usage.input - lastUsage.input;
          const output = e.usage.output - lastUsage.output;
          const cost = e.costUsd - lastUsage.cost;
          lastUsage = { input: e.usage.input, output: e.usage.output, cost: e.costUsd };
          entries.push({
            type: "usage",
            at: at(),
            turn: e.turn,
            inputTokens: Math.max(0, input),
            outputTokens: Math.max(0, output),
            costUsd: Math.max(0, cost),
          });
          return;
        }
        case "steering":
          entries.push({ type: "steering", at: at(), message: clean(e.message) });
          return;
        case "outcome":
          // A new session (a self-review follow-up) starts its totals from zero again.
          lastUsage = { input: 0, output: 0, cost: 0 };
          entries.push({ type: "outcome", at: at(), outcome: e.outcome, summary: clean(e.summary) });
          return;
      }
    },
  };
}
