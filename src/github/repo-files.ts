/**
 * Files read through the API at a given ref, never from a checkout the agent (or a PR author)
 * controls. Used for the base branch's AGENTS.md and the PR template (THREATS A6, B2).
 */
import type { GitHubClient } from "./octokit.js";
import { isNotFound, toGitHubError } from "./github-errors.js";

const MAX_FILE_BYTES = 64 * 1024;

/** The text of `path` at `ref`, or null when it does not exist (or is not a file). */
export async function findRepoFile(octokit: GitHubClient, params: { owner: string; repo: string; path: string; ref?: string }): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: params.owner,
      repo: params.repo,
      path: params.path,
      ...(params.ref ? { ref: params.ref } : {}),
    });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    const text = Buffer.from(data.content, "base64").toString("utf8");
    return text.length > MAX_FILE_BYTES ? `${text.slice(0, MAX_FILE_BYTES)}\n…(truncated)` : text;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw toGitHubError(error, `read ${params.path}`);
  }
}

/** The first of `paths` that exists at `ref`. */
export async function findFirstRepoFile(
  octokit: GitHubClient,
  params: { owner: string; repo: string; ref?: string },
  paths: readonly string[],
): Promise<{ path: string; text: string } | null> {
  for (const path of paths) {
    const text = await findRepoFile(octokit, { ...params, path });
    if (text !== null) return { path, text };
  }
  return null;
}

export const INSTRUCTION_FILES = ["AGENTS.md"] as const;
export const PR_TEMPLATE_FILES = [
  ".github/pull_request_template.md",
  ".github/PULL_REQUEST_TEMPLATE.md",
  "pull_request_template.md",
  "docs/pull_request_template.md",
] as const;
