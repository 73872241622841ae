/** The JSON Schema of `.github/agent.yml`, for editors (`# yaml-language-server: $schema=...`). */
import { z } from "zod";
import { repoConfigSchema } from "./repo-config.js";

export function renderRepoConfigJsonSchema(): string {
  const schema = z.toJSONSchema(repoConfigSchema, { io: "input" });
  return `${JSON.stringify({ ...schema, title: "issue-agent .github/agent.yml" }, null, 2)}\n`;
}
