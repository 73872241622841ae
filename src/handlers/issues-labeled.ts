/** `issues.labeled` with the trigger label -> a resolve-issue job. */
import type { Context } from "probot";
import { isSelf } from "../github/authorize-sender.js";
import { issueSnapshotOf, jobKey } from "../tasks/job-payloads.js";
import { gateTrigger, loadTriggerConfig, startRun, type HandlerDeps } from "./trigger-flow.js";

export function handleIssuesLabeled(deps: HandlerDeps) {
  return async (context: Context<"issues.labeled">): Promise<void> => {
    const { payload, octokit } = context;
    const { issue, repository, sender, label } = payload;
    const installationId = payload.installation?.id;
    if (!label || installationId === undefined || issue.state !== "open" || isSelf(sender, deps.env.APP_SLUG)) return;
    // Pull requests are issues too; labelling one is not a trigger.
    if ("pull_request" in issue && issue.pull_request) return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: issue.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, issue: ref.number });
    const loaded = await loadTriggerConfig(octokit, deps, ref, installationId);
    const triggerLabel = loaded.ok ? loaded.config.trigger.label : "agent";
    if (label.name.toLowerCase() !== triggerLabel.toLowerCase()) return;
    const config = await gateTrigger(octokit, deps, ref, sender, loaded, log);
    if (!config) return;
    const key = jobKey(ref.owner, ref.repo, ref.number);
    await startRun(
      octokit,
      deps,
      {
        kind: "resolve-issue",
        key,
        deliveryId: context.id,
        title: `resolving issue #${issue.number}`,
        reaction: { type: "issue", ...ref },
        statusTarget: { type: "issue", ...ref },
        payload: (status) =>
          ({
            installationId,
            owner: ref.owner,
            repo: ref.repo,
            repoId: repository.id,
            cloneUrl: repository.clone_url,
            defaultBranch: repository.default_branch,
            issueNumber: issue.number,
            issueSnapshot: issueSnapshotOf(issue),
            requester: { login: sender.login, id: sender.id },
            // GitHub's time of the labelling (the issue's updated_at in this event), not our clock.
            triggerAt: issue.updated_at || new Date().toISOString(),
            instruction: "",
            status,
            ...(config.trigger.removeLabel ? { removeLabel: label.name } : {}),
          }),
      },
      log,
    );
  };
}
