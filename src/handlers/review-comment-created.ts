/**
 * `pull_request_review_comment.created` starting with the command prefix: `/agent fix` works on
 * that review thread and answers in it; stop, help and steering behave as in conversation comments.
 * (Not named pull-request-*.ts: those files are the security-review handlers of `pull_request`
 * events.)
 */
import type { Context } from "probot";
import { acceptCommandComment } from "./accept-command-comment.js";
import { repoGitHub, type HandlerDeps } from "./trigger-flow.js";
import { runSlashCommand } from "./dispatch-agent-command.js";

export function handlePullRequestReviewCommentCreated(deps: HandlerDeps) {
  return async (context: Context<"pull_request_review_comment.created">): Promise<void> => {
    const { payload, octokit } = context;
    const { comment, pull_request: pr, repository, sender } = payload;
    const installationId = payload.installation?.id;
    if (installationId === undefined) return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: pr.number };
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, pr: ref.number });
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
        isPullRequest: true,
        headSha: pr.head.sha,
        issue: { title: pr.title, body: pr.body },
        requester: { login: sender.login, id: sender.id },
        triggerAt: comment.created_at,
        deliveryId: context.id,
        reaction: { type: "review-comment", commentId: comment.id },
        reviewComment: { id: comment.id, inReplyTo: comment.in_reply_to_id ?? comment.id },
      },
      command,
      log,
    );
  };
}
