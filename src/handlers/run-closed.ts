/**
 * `issues.closed` and `pull_request.closed`: the work is no longer wanted, so runs for that issue or
 * PR are cancelled (the running agent gets its AbortSignal and the task ends its status comment as
 * stopped). Nothing is posted here.
 *
 * Closing does not need write access (an issue's or a PR's author may close it), so closing cancels
 * every run only when the closer has the trigger permission (`trigger.minPermission`, allowed bots
 * as for triggers); anyone else only cancels the runs they started themselves. A maintainer's run
 * on a drive-by issue survives its author closing it.
 */
import type { Context } from "probot";
import { applyOperatorCaps, DEFAULT_REPO_CONFIG } from "../config/repo-config.js";
import { jobKey } from "../tasks/job-payloads.js";
import { loadTriggerConfig, repoGitHub, type HandlerDeps } from "./trigger-flow.js";

export function handleRunClosed(deps: Pick<HandlerDeps, "env" | "queue" | "github" | "configCache">) {
  return async (context: Context<"issues.closed" | "pull_request.closed">): Promise<void> => {
    const { payload, octokit } = context;
    const { repository, sender } = payload;
    const number = "issue" in payload ? payload.issue.number : payload.pull_request.number;
    const key = jobKey(repository.owner.login, repository.name, number);
    // Most closes have nothing to cancel: no API call for those.
    if ((await deps.queue.pending(key)) === 0) return;
    const log = context.log.child({ delivery: context.id, key, sender: sender.login });
    const gh = repoGitHub(octokit, deps, { owner: repository.owner.login, repo: repository.name });
    const loaded = await loadTriggerConfig(gh, deps, payload.installation?.id);
    const config = loaded.ok ? loaded.config : applyOperatorCaps(DEFAULT_REPO_CONFIG, deps.env);
    const auth = await gh.authorizeSender(sender, { minPermission: config.trigger.minPermission, allowedBots: config.trigger.allowedBots });
    const cancelled = auth.allowed ? await deps.queue.cancel(key) : await deps.queue.cancel(key, { requesterId: sender.id });
    log.info({ cancelled, allRuns: auth.allowed }, cancelled > 0 ? "runs cancelled: closed" : "closed by someone who may not stop these runs");
  };
}
