/**
 * Turn the merged contents of `.github/agent.yml` into a typed RepoConfig, or a RepoConfigError that
 * lists every problem as `key.path: what is wrong` so one comment can tell the user all of them.
 */
import type { z } from "zod";
import { ConfigError } from "../shared/errors.js";
import { repoConfigSchema, type RepoConfig } from "./repo-config.js";

export const REPO_CONFIG_PATH = ".github/agent.yml";

/** An invalid repository config; `files` names where it was loaded from (`owner/repo:path`). */
export class RepoConfigError extends ConfigError {
  readonly files: readonly string[];
  constructor(files: readonly string[], issues: string[], options: { cause?: unknown } = {}) {
    const where = files.length > 0 ? files.join(" + ") : REPO_CONFIG_PATH;
    super("config/invalid-repo-config", `Invalid ${where}: ${issues.join("; ")}`, issues, {
      ...options,
      userMessage: `${where} is invalid:\n${issues.map((issue) => `- ${issue}`).join("\n")}`,
    });
    this.files = files;
  }
}

/** `key.path: problem` lines; unknown keys are named one by one. */
export function formatRepoConfigIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${[...issue.path, key].join(".")}: unknown key`);
    }
    const key = issue.path.map(String).join(".") || "(top level)";
    return [`${key}: ${issue.message}`];
  });
}

/** Validate an already-merged config object (defaults are applied by the schema). */
export function parseRepoConfig(raw: unknown, files: readonly string[] = [REPO_CONFIG_PATH]): RepoConfig {
  const result = repoConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new RepoConfigError(files, formatRepoConfigIssues(result.error));
  return result.data;
}
