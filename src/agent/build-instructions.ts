/**
 * The instructions (system prompt) of a run: the base prompt, the task kind's prompt, the
 * caller's trusted instructions and the root AGENTS.md. Built once per run and sent
 * byte-identical every turn so providers' prefix caches hit.
 */
import { loadPrompt } from "./load-prompt.js";
import { formatRepoInstructions, readAgentsFile } from "./repo-instructions.js";
import type { RunAgentInput } from "./types.js";

export async function buildInstructions(input: RunAgentInput): Promise<string> {
  const parts = [loadPrompt("base"), loadPrompt(input.task.kind)];
  if (input.instructions?.trim()) parts.push(`# Instructions from the operator and the repository's configuration\n\n${input.instructions.trim()}`);
  if (!input.skipRepoInstructions) {
    const root = await readAgentsFile(input.workspaceDir, "");
    if (root) parts.push(`# ${formatRepoInstructions("", root)}`);
  }
  return parts.join("\n\n");
}

export function formatTaskMessage(input: RunAgentInput): string {
  return `<task kind="${input.task.kind}">\n${input.task.text.trim()}\n</task>`;
}
