/**
 * How the diff is shown to the review agent. The diff is untrusted input: it is shown inside a
 * fence, stripped of invisible characters, with the RIGHT-side line numbers the model must cite.
 * What the agent is told lives in src/agent/prompts/ (review-base.md and security-review.md).
 */
import { stripInvisible, toModelLine } from "../shared/sanitize.js";
import type { DiffFile } from "./parse-diff.js";

export interface ModelPrompt {
  text: string;
  /** Files whose whole diff is in the prompt. */
  included: string[];
  /** Files left out because the character budget ran out. */
  overBudget: string[];
  /** Added lines shown to the model. */
  lines: number;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

export function renderFileForModel(file: DiffFile): string {
  const out: string[] = [];
  for (const h of file.hunks) {
    out.push(`@@ new line ${h.newStart} @@`);
    for (const l of h.lines) {
      const text = stripInvisible(l.text);
      if (l.kind === "add") out.push(`${String(l.newLine).padStart(5)} + ${text}`);
      else if (l.kind === "context") out.push(`${String(l.newLine).padStart(5)}   ${text}`);
      else out.push(`      - ${text}`);
    }
  }
  const body = out.join("\n");
  const f = fence(body);
  const label = file.status === "renamed" && file.oldPath ? `${file.path} (renamed from ${file.oldPath})` : `${file.path} (${file.status})`;
  return `### ${toModelLine(label, 1_000)}\n${f}\n${body}\n${f}\n`;
}

/** The task text: as many whole files as fit in `maxChars`, in diff order. */
export function buildModelPrompt(files: readonly DiffFile[], maxChars: number, context = ""): ModelPrompt {
  const header = `Review this pull request diff for security vulnerabilities.${context ? `\n\n${context}` : ""}\n\n`;
  const parts: string[] = [header];
  let size = header.length;
  const prompt: ModelPrompt = { text: "", included: [], overBudget: [], lines: 0 };
  for (const file of files) {
    const rendered = renderFileForModel(file);
    if (size + rendered.length > maxChars) {
      prompt.overBudget.push(file.path);
      continue;
    }
    parts.push(rendered);
    size += rendered.length;
    prompt.included.push(file.path);
    prompt.lines += file.hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === "add").length, 0);
  }
  prompt.text = parts.join("\n");
  return prompt;
}

/** ~4 characters per token for code-heavy English: good enough for budgets and the benchmark. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
