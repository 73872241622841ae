/**
 * The JSON Schema of `.github/agent.yml`, for editors (`# yaml-language-server: $schema=...`):
 * generated from the zod schema the app parses with, so types, defaults and the descriptions
 * (`.describe()` on each key) are the app's own. `_extends` is added here: the config loader
 * resolves it before the schema sees the file.
 */
import { z } from "zod";
import { repoConfigSchema } from "./repo-config.js";

/** The schema's identifier; the app also serves the file at `GET /agent.schema.json`. */
export const REPO_CONFIG_SCHEMA_ID = "urn:issue-agent:agent.schema.json";

export function renderRepoConfigJsonSchema(): string {
  const schema = z.toJSONSchema(repoConfigSchema, { io: "input" }) as { properties?: Record<string, unknown>; [key: string]: unknown };
  const { $schema, ...rest } = schema;
  const out = {
    $schema,
    $id: REPO_CONFIG_SCHEMA_ID,
    title: "issue-agent .github/agent.yml",
    description: "Per-repository settings for issue-agent. Every key is optional; the operator's caps (environment) still apply.",
    ...rest,
    properties: {
      _extends: {
        type: "string",
        description: "Merge a base file under this one: `other-repo` (its .github/agent.yml) or `owner/repo:path.yml`; only repositories of the same owner.",
      },
      ...rest.properties,
    },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
