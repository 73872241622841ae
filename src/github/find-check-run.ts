/**
 * The app's own check run of a name on a commit, so a retried job edits the check it already
 * created instead of adding a second one. Only the app's run counts (another app, or a workflow,
 * may use the same name); while the app's slug is unknown nothing is found and a new run is made.
 */
import type { GitHubClient } from "./octokit.js";
import { toGitHubError } from "./github-errors.js";

export async function findOwnCheckRun(
  octokit: Pick<GitHubClient, "rest">,
  p: { owner: string; repo: string; headSha: string; name: string; appSlug: string | undefined },
): Promise<number | null> {
  if (!p.appSlug) return null;
  try {
    const { data } = await octokit.rest.checks.listForRef({
      owner: p.owner,
      repo: p.repo,
      ref: p.headSha,
      check_name: p.name,
      filter: "latest",
      per_page: 100,
    });
    const own = data.check_runs.find((run) => run.app?.slug?.toLowerCase() === p.appSlug?.toLowerCase());
    return own ? own.id : null;
  } catch (error) {
    throw toGitHubError(error, `look up the ${p.name} check run`);
  }
}
