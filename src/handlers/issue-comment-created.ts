/**
 * `issue_comment.created` starting with the command prefix, on an issue or a PR. Edited comments
 * never trigger (only `created` is registered), and the app's own comments are dropped before any
 * API call, so a status comment quoting `/agent fix` cannot loop.
 */
import type { Context } from "probot";
import { parseSlashCommand } from "../commands/parse-slash-command.js";
import { isSelf } from "../github/authorize-sender.js";
import { gateTrigger, loadTriggerConfig, type HandlerDeps } from "./trigger-flow.js";
import { runSlashCommand } from "./run-command.js";

export function handleIssueCommentCreated(deps: HandlerDeps) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { payload, octokit } = context;
    const { comment, issue, repository, sender } = payload;
    const installationId = payload.installation?.id;
    if (installationId === undefined || isSelf(sender, deps.env.APP_SLUG) || isSelf(comment.user ?? { login: "" }, deps.env.APP_SLUG)) return;
    // Cheap pre-check before any API call: every prefix starts with "/".
    if (!comment.body.trimStart().startsWith("/")) return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: issue.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, issue: ref.number });
    const loaded = await loadTriggerConfig(octokit, deps.env, ref);
    const command = parseSlashCommand(comment.body, loaded.ok ? loaded.config.trigger.commandPrefix : "/agent");
    if (!command) return;
    const config = await gateTrigger(octokit, deps, ref, sender, loaded, log);
    if (!config) return;
    await runSlashCommand(
      octokit,
      deps,
      config,
      {
        ...ref,
        repoId: repository.id,
        cloneUrl: repository.clone_url,
        defaultBranch: repository.default_branch,
        installationId,
        isPullRequest: Boolean(issue.pull_request),
        issue: { title: issue.title, body: issue.body },
        requester: { login: sender.login, id: sender.id },
        deliveryId: context.id,
        reaction: { type: "issue-comment", owner: ref.owner, repo: ref.repo, commentId: comment.id },
      },
      command,
      log,
    );
  };
}
