/** `issues.labeled` with the trigger label (or `<label>:MODEL` to pick an allowlisted model) -> a resolve-issue job. */
import type { Context } from "probot";
import { chooseRunModel } from "../config/run-model.js";
import { formatOutbound } from "../shared/format-outbound.js";
import { renderMarker } from "../github/markers.js";
import { issueSnapshotOf, jobKey } from "../tasks/job-payloads.js";
import { gateTrigger, loadTriggerConfig, repoGitHub, startRun, type HandlerDeps } from "./trigger-flow.js";

export function handleIssuesLabeled(deps: HandlerDeps) {
  return async (context: Context<"issues.labeled">): Promise<void> => {
    const { payload, octokit } = context;
    const { issue, repository, sender, label } = payload;
    const installationId = payload.installation?.id;
    const ref = { owner: repository.owner.login, repo: repository.name, number: issue.number };
    const gh = repoGitHub(octokit, deps, ref);
    if (!label || installationId === undefined || issue.state !== "open" || gh.isSelf(sender)) return;
    // Pull requests are issues too; labelling one is not a trigger.
    if ("pull_request" in issue && issue.pull_request) return;
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, issue: ref.number });
    const loaded = await loadTriggerConfig(gh, deps, installationId);
    const triggerLabel = loaded.ok ? loaded.config.trigger.label : "agent";
    const modelLabel = label.name.toLowerCase().startsWith(`${triggerLabel.toLowerCase()}:`);
    if (label.name.toLowerCase() !== triggerLabel.toLowerCase() && !modelLabel) return;
    const config = await gateTrigger(gh, deps, ref.number, sender, loaded, log);
    if (!config) return;
    let model: string | undefined;
    if (modelLabel) {
      const choice = chooseRunModel(label.name.slice(triggerLabel.length + 1), deps.env);
      if (!choice.ok) {
        await gh.postComment(ref.number, `${formatOutbound(choice.reason)}\n\n${renderMarker("notice", { kind: "model-refused" })}`);
        return;
      }
      model = choice.model;
    }
    const key = jobKey(ref.owner, ref.repo, ref.number);
    await startRun(
      gh,
      deps,
      {
        kind: "resolve-issue",
        key,
        deliveryId: context.id,
        title: `resolving issue #${issue.number}`,
        reaction: { type: "issue", number: ref.number },
        statusTarget: { type: "issue", number: ref.number },
        payload: (status) => ({
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
          ...(model ? { model } : {}),
          ...(config.trigger.removeLabel ? { removeLabel: label.name } : {}),
        }),
      },
      log,
    );
  };
}
