/**
 * The instructions (system prompt) of a run: the base prompt, the task kind's prompt, the
 * caller's trusted instructions and the root AGENTS.md. Built once per run and sent
 * byte-identical every turn so providers' prefix caches hit.
 */
import { loadPrompt } from "./load-prompt.js";
import { formatRepoInstructions, readAgentsFile } from "./repo-instructions.js";
import type { RunAgentInput } from "./types.js";

export async function buildInstructions(input: RunAgentInput): Promise<string> {
  // Read-only review agents get their own base: the coding base tells the model to patch files,
  // keep a plan and write a PR title, none of which a reviewer can or should do.
  const base = input.task.kind === "security-review" ? "review-base" : "base";
  const parts = [loadPrompt(base), loadPrompt(input.task.kind)];
  if (input.instructions?.trim()) parts.push(`# Instructions from the operator and the repository's configuration\n\n${input.instructions.trim()}`);
  if (!input.skipRepoInstructions) {
    const root = await readAgentsFile(input.workspaceDir, "");
    if (root) parts.push(`# ${formatRepoInstructions("", root)}`);
  }
  return parts.join("\n\n");
}

export function formatTaskMessage(input: RunAgentInput, maxChars: number): string {
  let text = input.task.text.trim();
  if (text.length > maxChars) {
    const half = Math.floor(maxChars / 2);
    text = `${text.slice(0, half)}\n[... ${text.length - maxChars} characters of the task cut to fit the context window ...]\n${text.slice(-half)}`;
  }
  return `<task kind="${input.task.kind}">\n${text}\n</task>`;
}
