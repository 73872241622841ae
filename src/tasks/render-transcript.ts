/**
 * The transcript as the output of the `issue-agent: run` check run. GitHub caps `summary` and
 * `text` at 65,535 characters each and an annotation's message at 64 KB, so the blocks are laid
 * out in order: the summary (header first), then the text, then annotation-sized parts; whatever
 * still does not fit is summarised one line per entry with the count of what is left out, so the
 * transcript is never cut without saying so. Pure; github/run-check-run.ts posts it.
 */
import type { TranscriptEntry } from "../agent/transcript.js";
import { fenceFor } from "../shared/format-outbound.js";

export interface TranscriptLimits {
  summary: number;
  text: number;
  annotation: number;
  annotations: number;
  /** Longest single block before it is shortened (head and tail kept). */
  block: number;
}

/** Below GitHub's limits, leaving room for the outbound formatting's few escapes. */
export const GITHUB_TRANSCRIPT_LIMITS: TranscriptLimits = { summary: 60_000, text: 60_000, annotation: 60_000, annotations: 50, block: 20_000 };

export interface TranscriptLayout {
  summary: string;
  text: string;
  /** Annotation messages, in order ("part 1 of n"...). */
  parts: string[];
  /** Entries only listed in the overflow note (not shown in full). */
  omitted: number;
}

const fenced = (text: string, lang = "text"): string => {
  const f = fenceFor(text);
  return `${f}${lang}\n${text}\n${f}`;
};
const inline = (text: string): string => text.replace(/`/g, "'").replace(/\s+/g, " ").trim();

function argumentsOf(name: string, raw: string): { line: string; body: string | null; lang: string } {
  try {
    const a = JSON.parse(raw) as Record<string, unknown>;
    if (typeof a.input === "string") return { line: "", body: a.input, lang: "diff" }; // apply_patch: the edit itself
    const command = a.command ?? a.cmd;
    if (command !== undefined) return { line: inline(Array.isArray(command) ? command.join(" ") : String(command)).slice(0, 300), body: null, lang: "text" };
    return { line: inline(String(a.path ?? a.file_path ?? a.pattern ?? "")).slice(0, 300), body: raw.length > 300 ? raw : null, lang: "json" };
  } catch {
    return { line: "", body: raw, lang: "text" };
  }
}

/** One Markdown block per entry; `oneLine` is its line in the overflow note. */
export function renderEntry(e: TranscriptEntry): { block: string; oneLine: string } {
  switch (e.type) {
    case "task":
      return { block: `### Task (${e.kind}, model \`${inline(e.model)}\`)\n\nThe task as the model saw it:\n\n${fenced(e.text)}`, oneLine: "task" };
    case "plan":
      return {
        block: `**Plan**${e.explanation ? ` — ${inline(e.explanation)}` : ""}\n${e.plan.map((s) => `- [${s.status === "completed" ? "x" : " "}] ${inline(s.step)}${s.status === "in_progress" ? " *(in progress)*" : ""}`).join("\n")}`,
        oneLine: "plan update",
      };
    case "model_text":
      return { block: `**Model (turn ${e.turn}):**\n\n${fenced(e.text)}`, oneLine: `turn ${e.turn}: model text` };
    case "tool_call": {
      const args = argumentsOf(e.name, e.arguments);
      const head = `#### Turn ${e.turn}: \`${inline(e.name)}\`${args.line ? ` \`${args.line}\`` : ""}`;
      return { block: args.body ? `${head}\n\n${fenced(args.body, args.lang)}` : head, oneLine: `turn ${e.turn}: ${e.name} ${args.line}`.trim() };
    }
    case "tool_result":
      return {
        block: `${e.ok ? "✔" : "✖"} \`${inline(e.name)}\` ${e.ok ? "returned" : "failed"} in ${e.durationMs} ms${e.truncated ? " (head and tail of the output)" : ""}:\n\n${fenced(e.output || "(no output)")}`,
        oneLine: `turn ${e.turn}: ${e.name} ${e.ok ? "ok" : "failed"}`,
      };
    case "compaction":
      return {
        block: `_Context compacted (${e.strategy}): ${e.tokensBefore.toLocaleString("en-US")} → ${e.tokensAfter.toLocaleString("en-US")} tokens._`,
        oneLine: "compaction",
      };
    case "usage":
      return {
        block: `_Turn ${e.turn}: ${e.inputTokens.toLocaleString("en-US")} input / ${e.outputTokens.toLocaleString("en-US")} output tokens, $${e.costUsd.toFixed(4)}._`,
        oneLine: `turn ${e.turn}: usage`,
      };
    case "steering":
      return { block: `**Message from a maintainer during the run:**\n\n${fenced(e.message)}`, oneLine: "steering message" };
    case "note":
      return { block: `**issue-agent:** ${e.text}`, oneLine: `note: ${inline(e.text).slice(0, 100)}` };
    case "diff":
      return { block: `**${inline(e.label)}:**\n\n${fenced(e.diff || "(no changes)", "diff")}`, oneLine: inline(e.label) };
    case "outcome":
      return { block: `### Session ended: ${e.outcome}\n\n${fenced(e.summary || "(no summary)")}`, oneLine: `session ended: ${e.outcome}` };
  }
}

function shorten(block: string, max: number): string {
  if (block.length <= max) return block;
  const keep = Math.floor((max - 200) / 2);
  // Cut outside fences would break Markdown: close and reopen one around the gap.
  const f = fenceFor(block);
  return `${block.slice(0, keep)}\n${f}\n… [${block.length - 2 * keep} characters of this entry not shown] …\n${f}text\n${block.slice(block.length - keep)}`;
}

export function layoutTranscript(header: string, entries: readonly TranscriptEntry[], limits: TranscriptLimits = GITHUB_TRANSCRIPT_LIMITS): TranscriptLayout {
  const rendered = entries.map(renderEntry).map((r) => ({ block: shorten(r.block, limits.block), oneLine: r.oneLine }));
  const noteRoom = Math.min(4000, Math.floor(limits.text / 4));
  let i = 0;
  const fill = (start: string, room: number): string => {
    let out = start;
    while (i < rendered.length && out.length + rendered[i]!.block.length + 2 <= room) out += `${out ? "\n\n" : ""}${rendered[i++]!.block}`;
    return out;
  };
  const summary = fill(header, limits.summary);
  let text = fill("", limits.text - noteRoom);
  const parts: string[] = [];
  while (i < rendered.length && parts.length < limits.annotations) {
    const before = i;
    const part = fill("", limits.annotation - 40); // room for the "part k of n" line
    if (i === before) break;
    parts.push(part);
  }
  const omitted = rendered.length - i;
  if (omitted > 0) {
    const lines = rendered.slice(i).map((r) => `- ${r.oneLine}`);
    let note = `**${omitted} more transcript entries did not fit in GitHub's check-run limits**; one line each (the operator's JSON Lines copy has them in full):\n`;
    for (const line of lines) {
      if (note.length + line.length + 40 > noteRoom) {
        note += `\n- …and ${lines.length - lines.indexOf(line)} more`;
        break;
      }
      note += `\n${line}`;
    }
    text = `${text}${text ? "\n\n" : ""}${note}`;
  }
  const total = parts.length;
  return { summary, text, parts: parts.map((p, k) => `Run transcript, part ${k + 1} of ${total}\n\n${p}`), omitted };
}
