/**
 * Prompts are Markdown files in src/agent/prompts/. They are read at runtime relative to this
 * module: `./prompts/` when running from src/ (vitest, tsx), and `../../src/agent/prompts/` when
 * running the compiled lib/agent/*.js (package.json ships src/agent/prompts).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type PromptName = "base" | "review-base" | "resolve-issue" | "fix-pr" | "security-review" | "cli" | "compaction" | "compaction-prefix";

export function promptPath(name: PromptName): string {
  const candidates = [new URL(`./prompts/${name}.md`, import.meta.url), new URL(`../../src/agent/prompts/${name}.md`, import.meta.url)];
  for (const url of candidates) {
    const p = fileURLToPath(url);
    if (existsSync(p)) return p;
  }
  throw new Error(`Prompt ${name}.md not found next to ${fileURLToPath(import.meta.url)}`);
}

export function loadPrompt(name: PromptName): string {
  return readFileSync(promptPath(name), "utf8").trim();
}
