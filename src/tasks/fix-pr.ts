/**
 * fix-pr: `/agent fix` on a pull request (or in one review thread, or an autofix after a failed
 * check) pushes follow-up commits to the PR's own branch.
 *  1. take over the status comment, load config, check spend caps (task-frame);
 *  2. read the PR; closed, or a fork that does not allow maintainer edits -> explain and stop;
 *  3. gather context: description, diff, unresolved threads (or the one thread), the previous run's
 *     summary from our marker, the failing check; AGENTS.md from the BASE branch via the API;
 *  4. clone the PR head, run the agent, check, commit and push fast-forward only: if the branch
 *     moved meanwhile, explain and stop with the remote untouched;
 *  5. finish the status comment (in the thread for a review comment) with the new commit.
 */
import { updatePullRequestBody } from "../github/issue-actions.js";
import { stripMarkers } from "../shared/markers.js";
import { isSelf } from "../github/authorize-sender.js";
import { createPermissionCache } from "../github/get-permission.js";
import { getPullRequest, getPullRequestDiff, getReviewThread, getUnresolvedThreads, type ReviewThread } from "../github/get-pull-request-context.js";
import { getActionsJobLogTail } from "../github/get-actions-job-log.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { parseFindingMarker } from "../review/review-markers.js";
import { findMarker, renderMarker } from "../github/markers.js";
import { findFirstRepoFile, INSTRUCTION_FILES } from "../github/repo-files.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { outboundCode } from "../shared/format-outbound.js";
import { toModelLine, toModelPlainText, toModelText } from "../shared/sanitize.js";
import { modelSettings, runAgentSession, settleAgentRun } from "./agent-session.js";
import { RunStoppedError } from "./explain-failure.js";
import { formatTitle, mergeExecutedWarning } from "./format-pull-request.js";
import { fixPrPayloadSchema } from "./job-payloads.js";
import { buildInstructions, buildPullRequestPrompt, hiddenContentSources } from "./prompts.js";
import { describeCommitMethod, publishChanges } from "./publish-changes.js";
import { selfReview, selfReviewMarker } from "./self-review.js";
import { selfReviewLine } from "./format-self-review.js";
import { publishTranscriptCheck, startTranscript, transcriptHeader, withSavedTranscript } from "./run-transcript.js";
import { runInTaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

/** `/agent fix` in the thread of one of the app's security findings: the finding is the task. */
function findingOf(thread: ReviewThread | undefined, singleThread: boolean) {
  const marker = singleThread && thread?.appRootBody ? parseFindingMarker(thread.appRootBody) : null;
  if (!marker || !thread?.appRootBody) return undefined;
  const details = toModelText(thread.appRootBody, { maxChars: 16_000 });
  return {
    title: toModelLine(marker.title),
    severity: toModelLine(String(marker.severity)),
    cwe: toModelLine(String(marker.cwe)),
    path: toModelLine(marker.path, 1_000),
    line: marker.line,
    details,
  };
}

export async function runFixPr(deps: TaskDeps, job: JobContext): Promise<JobOutcome> {
  const p = fixPrPayloadSchema.parse(job.payload);
  const { owner, repo, prNumber: number } = p;
  const title = p.reviewCommentId ? "fixing this review thread" : `fixing pull request #${number}`;
  return runInTaskFrame(
    deps,
    job,
    { installationId: p.installationId, owner, repo, repoId: p.repoId, number, status: p.status, title, model: p.model },
    async ({ octokit, reporter, config, startedAt, secrets }) => {
      await reporter.update({ title, phase: "working", startedAt, currentStep: "reading the pull request" });
      const pr = await getPullRequest(octokit, { owner, repo, number });
      job.report({ prUrl: pr.htmlUrl });
      if (pr.state !== "open") throw new RunStoppedError("This pull request is closed, so nothing was changed.");
      if (pr.isFork && !pr.maintainerCanModify) {
        throw new RunStoppedError(
          'This pull request comes from a fork that does not allow edits from maintainers, so the app cannot push to it. The author can enable "Allow edits by maintainers", then comment `/agent fix` again.',
        );
      }
      // The app never pushes to the default branch, even when a PR's head is that branch.
      if (pr.headIsDefaultBranch) {
        throw new RunStoppedError(
          `This pull request's head is the default branch ${outboundCode(pr.headRef)}, and the app never pushes to the default branch. Open the change from another branch, then comment \`/agent fix\` there.`,
        );
      }
      const pushUrl = pr.isFork ? pr.headCloneUrl : p.cloneUrl;
      if (!pushUrl) throw new RunStoppedError("The pull request's head repository is gone, so the app cannot push to it.");

      const filter = {
        triggerAt: p.triggerAt,
        minPermission: config.trigger.minPermission,
        permissionOf: createPermissionCache(octokit, owner, repo),
        appSlug: deps.env.APP_SLUG,
      };
      const diff = await getPullRequestDiff(octokit, { owner, repo, number });
      let threads: ReviewThread[] = [];
      try {
        if (p.reviewCommentId) threads = [await getReviewThread(octokit, { owner, repo, number, commentId: p.reviewCommentId, ...filter })];
        else threads = await getUnresolvedThreads(octokit, { owner, repo, number, ...filter });
      } catch (error) {
        // The threads are context; an explicit instruction (or a failing check) is the task itself.
        if (!p.instruction.trim() && !p.checkRun) throw error;
        job.log.warn({ err: error }, "review threads could not be read; going on with the instruction");
        reporter.addNote("The review threads could not be read from GitHub, so this run worked from your instruction, the description and the diff only.");
      }
      const ours = isSelf({ login: pr.author }, deps.env.APP_SLUG);
      const previousSummary = ours ? String(findMarker(pr.rawBody, "pr")?.summary ?? "") : "";
      // Instructions come from the base branch: a PR cannot rewrite the rules it is fixed under.
      // Actions logs need an optional App permission: their own token, so its absence costs only the log.
      const checkLog = p.checkRun?.actionsJobId
        ? await getActionsJobLogTail(await deps.github.forInstallation(p.installationId, TOKEN_SCOPES.actionsLog(p.repoId)), {
            owner,
            repo,
            jobId: p.checkRun.actionsJobId,
          })
        : null;
      const agentsMd = await findFirstRepoFile(octokit, { owner, repo, ref: pr.baseRef }, INSTRUCTION_FILES);
      // Everything below reaches the model as what a person sees on GitHub.
      const description = p.prSnapshot ? toModelText(p.prSnapshot.body) : pr.body;
      const instruction = toModelText(p.instruction);
      const checkRun = p.checkRun
        ? { name: toModelLine(p.checkRun.name), summary: toModelText(p.checkRun.summary), log: checkLog ? toModelPlainText(checkLog) : null }
        : undefined;
      const hidden = hiddenContentSources([
        ["pull request description", description],
        ["instruction", instruction],
        ["check output", checkRun?.summary],
        ...threads.flatMap((t) => t.comments.map((c) => [`review thread comment by ${c.author}`, c.body] as const)),
      ]);
      if (hidden.length > 0) job.log.info({ hidden }, "hidden content removed from text for the model");
      // A fork's branch is pushed on the strength of the base repository's PR ("allow edits by
      // maintainers"), so the token names the base repository even then.
      const token = await deps.github.installationToken(p.installationId, TOKEN_SCOPES.gitPush(p.repoId));
      secrets.push(token);

      const transcript = startTranscript(deps, secrets);
      return deps.git.withWorkspace(job, async (dir) =>
        withSavedTranscript(deps, job, transcript, async () => {
          const cloned = await deps.git.clone({
            dir,
            url: pushUrl,
            ref: pr.headRef,
            token,
            depth: deps.env.AGENT_CLONE_DEPTH,
            scope: `installation:${p.installationId}`,
          });
          const session = {
            deps,
            job,
            config,
            dir,
            reporter,
            title,
            startedAt,
            transcript,
            instructions: buildInstructions(agentsMd?.text ?? null, config.sandbox.testCommand),
          };
          const taskText = buildPullRequestPrompt({
            // The description as it was when the command was given, not as edited since.
            pr: { ...pr, body: description },
            diff,
            threads,
            singleThread: Boolean(p.reviewCommentId),
            instruction,
            requester: p.requester.login,
            previousSummary,
            finding: findingOf(threads[0], Boolean(p.reviewCommentId)),
            checkRun,
          });
          const first = await runAgentSession({ ...session, task: { kind: "fix-pr", text: taskText } });
          // Reviewed and fixed before anything is pushed (self-review.ts).
          const { result, report } = await selfReview({
            ...session,
            baseSha: cloned.headSha,
            taskText,
            result: first,
            followUp: (text, limits) => runAgentSession({ ...session, task: { kind: "fix-pr", text }, followUp: { limits } }),
          });
          const { stats, stopped } = await settleAgentRun({
            deps,
            job,
            repo: `${owner}/${repo}`,
            installationId: p.installationId,
            model: config.model.name,
            priced: modelSettings(deps, config).priced,
            result,
            reporter,
            title,
            startedAt,
            retryHint: "Comment `/agent fix <instructions>` to try again.",
          });
          if (stopped) return stopped;
          const subject = formatTitle(result.prTitle, p.reviewCommentId ? "Address review comment" : `Follow-up for #${number}`);
          const published = await publishChanges({
            deps,
            config,
            dir,
            baseSha: cloned.headSha,
            pushUrl,
            branch: pr.headRef,
            expectedRemoteSha: cloned.headSha,
            token,
            message: subject,
            requester: p.requester,
            // GitHub's Git Data API cannot write to a fork's branch as this app: forks keep the git push.
            api: pr.isFork ? undefined : { octokit, owner, repo, defaultBranch: pr.defaultBranch },
          });
          if (!published) {
            await reporter.finish({
              title,
              phase: "no_changes",
              startedAt,
              ...stats,
              message: "The agent finished without changing any files, so nothing was pushed.",
              summary: result.summary,
            });
            return "no_changes";
          }
          const method = describeCommitMethod(published, config.pullRequest.commitMethod);
          transcript.note(method);
          const transcriptUrl = await publishTranscriptCheck({
            deps,
            job,
            octokit,
            owner,
            repo,
            recorder: transcript,
            headSha: published.sha,
            files: published.keptFiles.map((path) => ({ path, deleted: false })),
            header: transcriptHeader({
              title,
              model: config.model.name,
              price: reporter.always.model?.price,
              ...stats,
              summary: result.summary,
              lines: [method, selfReviewLine(report)].filter(Boolean),
            }),
            secrets,
          });
          if (ours) {
            const body = mergeExecutedWarning(pr.rawBody, published.executedChanges, published.configChanges, secrets);
            await updatePrMarker(octokit, owner, repo, pr.number, body, {
              summary: result.summary.slice(0, 3000),
              sha: published.sha,
              job: job.id,
              selfReview: selfReviewMarker(report),
            });
          }
          await reporter.finish({
            title,
            phase: "succeeded",
            startedAt,
            ...stats,
            resultLabel: "Pushed",
            resultUrl: `${pr.htmlUrl}/commits/${published.sha}`,
            message: [method, selfReviewLine(report)].filter(Boolean).join("\n\n"),
            ...(transcriptUrl ? { transcriptUrl } : {}),
            summary: result.summary,
            changedFiles: published.changedFiles,
            configChanges: published.configChanges,
            executedChanges: published.executedChanges.map((e) => e.path),
          });
          return "succeeded";
        }),
      );
    },
  );
}

/** Carry the newest run summary in the PR's hidden marker, so the next follow-up continues from it. */
async function updatePrMarker(
  octokit: Awaited<ReturnType<TaskDeps["github"]["forInstallation"]>>,
  owner: string,
  repo: string,
  number: number,
  body: string,
  data: { summary: string; sha: string; job: string; selfReview: string },
): Promise<void> {
  const previous = findMarker(body, "pr") ?? {};
  const stripped = stripMarkers(body, "pr").trimEnd();
  await updatePullRequestBody(octokit, { owner, repo, number, body: `${stripped}\n\n${renderMarker("pr", { ...previous, ...data })}` });
}
