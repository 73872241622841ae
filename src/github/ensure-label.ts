/**
 * The trigger label has to exist before anyone can put it on an issue. The app creates it when it
 * is installed on a repository and again the first time it works there (a label deleted since, or
 * an agent.yml that names another one). Creating is idempotent: "already exists" is success.
 */
import type { GitHubClient } from "./octokit.js";

export const TRIGGER_LABEL_COLOR = "5319e7";
export const TRIGGER_LABEL_DESCRIPTION = "Label an issue to have issue-agent open a pull request for it";

export async function ensureLabel(octokit: Pick<GitHubClient, "request">, p: { owner: string; repo: string; name: string }): Promise<"created" | "exists"> {
  try {
    await octokit.request("POST /repos/{owner}/{repo}/labels", {
      owner: p.owner,
      repo: p.repo,
      name: p.name,
      color: TRIGGER_LABEL_COLOR,
      description: TRIGGER_LABEL_DESCRIPTION,
    });
    return "created";
  } catch (error) {
    const status = (error as { status?: number }).status;
    const text = JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? "");
    if (status === 422 && /already_exists/.test(text)) return "exists";
    throw error;
  }
}

/**
 * The repository port's `ensureLabel` at most once per repository and label for the life of the process (the first use
 * of a repository), never failing the caller: a missing permission is logged, not fatal.
 */
export function createLabelEnsurer(onError: (error: unknown, where: string) => void) {
  const done = new Set<string>();
  return async (gh: { owner: string; repo: string; ensureLabel(name: string): Promise<unknown> }, name: string): Promise<void> => {
    const key = `${gh.owner}/${gh.repo}:${name}`.toLowerCase();
    if (done.has(key)) return;
    done.add(key);
    try {
      await gh.ensureLabel(name);
    } catch (error) {
      done.delete(key);
      onError(error, key);
    }
  };
}
