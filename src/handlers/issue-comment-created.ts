/**
 * `issue_comment.created` starting with the command prefix, on an issue or a PR. Edited comments
 * never trigger (only `created` is registered), and the app's own comments are dropped before any
 * API call, so a status comment quoting `/agent fix` cannot loop.
 */
import type { Context } from "probot";
import { acceptCommandComment } from "./accept-command-comment.js";
import { repoGitHub, type HandlerDeps } from "./trigger-flow.js";
import { runSlashCommand } from "./dispatch-agent-command.js";

export function handleIssueCommentCreated(deps: HandlerDeps) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { payload, octokit } = context;
    const { comment, issue, repository, sender } = payload;
    const installationId = payload.installation?.id;
    if (installationId === undefined) return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: issue.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, issue: ref.number });
    const gh = repoGitHub(octokit, deps, ref);
    const accepted = await acceptCommandComment(gh, deps, { ref, installationId, sender, author: comment.user, body: comment.body, log });
    if (!accepted) return;
    const { command, config } = accepted;
    await runSlashCommand(
      gh,
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
        triggerAt: comment.created_at,
        deliveryId: context.id,
        reaction: { type: "issue-comment", commentId: comment.id },
      },
      command,
      log,
    );
  };
}
