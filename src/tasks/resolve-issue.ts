/**
 * resolve-issue: a labelled issue (or `/agent fix` on it) becomes a pull request.
 *  1. take over the status comment, load config, check spend caps (task-frame);
 *  2. remove the trigger label, so toggling it cannot queue a pile of runs;
 *  3. read the issue and the comments the agent may see (what a person sees on GitHub, permission-
 *     and time-filtered), and log where hidden content was removed;
 *  4. read AGENTS.md and the PR template from the default branch through the API;
 *  5. clone: the existing agent branch when a previous run made one, else the default branch;
 *  6. run the agent in the sandbox, mirroring its plan in the status comment;
 *  7. no changes -> explain, no PR; else check, commit and push (publish-changes);
 *  8. ensure the PR (find by head branch, create or update) and finish the status comment.
 */
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { ensurePullRequest, findPullRequestByHeadPrefix } from "../github/ensure-pull-request.js";
import { getIssueContext } from "../github/get-issue-context.js";
import { createPermissionCache } from "../github/get-permission.js";
import { removeLabel } from "../github/issue-actions.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { findMarker } from "../github/markers.js";
import { findFirstRepoFile, INSTRUCTION_FILES, PR_TEMPLATE_FILES } from "../github/repo-files.js";
import { modelSettings, runAgentSession, settleAgentRun } from "./agent-session.js";
import { formatPullRequestBody, formatTitle, slugify } from "./format-pull-request.js";
import { resolveIssuePayloadSchema } from "./job-payloads.js";
import { toModelText } from "../shared/sanitize.js";
import { buildInstructions, buildIssuePrompt, hiddenContentSources } from "./prompts.js";
import { describeCommitMethod, publishChanges } from "./publish-changes.js";
import { selfReview, selfReviewMarker } from "./self-review.js";
import { selfReviewLine, selfReviewSection } from "./format-self-review.js";
import { publishTranscriptCheck, startTranscript, transcriptHeader, withSavedTranscript } from "./run-transcript.js";
import { runInTaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

export async function runResolveIssue(deps: TaskDeps, job: JobContext): Promise<JobOutcome> {
  const p = resolveIssuePayloadSchema.parse(job.payload);
  const { owner, repo, issueNumber: number } = p;
  const frameParams = {
    installationId: p.installationId,
    owner,
    repo,
    repoId: p.repoId,
    number,
    status: p.status,
    title: `resolving issue #${number}`,
    allowCloseIssue: number,
    model: p.model,
  };
  return runInTaskFrame(deps, job, frameParams, async ({ octokit, reporter, config, startedAt, title, secrets }) => {
    if (p.removeLabel) await removeLabel(octokit, { owner, repo, number, label: p.removeLabel });
    await reporter.update({ title, phase: "working", startedAt, currentStep: "reading the issue" });

    const permissionOf = createPermissionCache(octokit, owner, repo);
    const issue = await getIssueContext(octokit, {
      owner,
      repo,
      number,
      snapshot: p.issueSnapshot,
      triggerAt: p.triggerAt,
      minPermission: config.trigger.minPermission,
      permissionOf,
      appSlug: deps.env.APP_SLUG,
    });
    const instruction = toModelText(p.instruction);
    const hidden = hiddenContentSources([
      ["issue body", issue.body],
      ["instruction", instruction],
      ...issue.comments.map((c) => [`comment by ${c.author}`, c.body] as const),
    ]);
    if (hidden.length > 0) job.log.info({ hidden }, "hidden content removed from text for the model");
    const repoRef = { owner, repo, ref: p.defaultBranch };
    const agentsMd = await findFirstRepoFile(octokit, repoRef, INSTRUCTION_FILES);
    const template = await findFirstRepoFile(octokit, repoRef, PR_TEMPLATE_FILES);

    const existingPr = await findPullRequestByHeadPrefix(octokit, { owner, repo, headPrefix: `${config.branch.prefix}issue-${number}-` });
    const branch = existingPr?.headRef ?? `${config.branch.prefix}issue-${number}-${slugify(issue.title)}`;
    const previousSummary = existingPr ? String(findMarker(existingPr.body, "pr")?.summary ?? "") : "";
    const token = await deps.github.installationToken(p.installationId, TOKEN_SCOPES.gitPush(p.repoId));
    secrets.push(token);

    const transcript = startTranscript(deps, secrets);
    return deps.git.withWorkspace(job, async (dir) =>
      withSavedTranscript(deps, job, transcript, async () => {
        const existingBranch = existingPr !== null;
        const cloned = await deps.git.clone({
          dir,
          url: p.cloneUrl,
          ref: existingBranch ? branch : p.defaultBranch,
          token,
          depth: deps.env.AGENT_CLONE_DEPTH,
          scope: `installation:${p.installationId}`,
        });
        if (!existingBranch) await deps.git.createBranch({ dir, name: branch });

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
        const taskText = buildIssuePrompt({ issue, requester: p.requester.login, instruction, previousSummary });
        const first = await runAgentSession({ ...session, task: { kind: "resolve-issue", text: taskText, images: issue.images } });
        // Reviewed and fixed before anything is pushed (self-review.ts).
        const { result, report } = await selfReview({
          ...session,
          baseSha: cloned.headSha,
          taskText,
          result: first,
          followUp: (text, limits) => runAgentSession({ ...session, task: { kind: "resolve-issue", text }, followUp: { limits } }),
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
          retryHint: "Comment `/agent fix <more context>` to try again.",
        });
        if (stopped) return stopped;

        const subject = formatTitle(result.prTitle, issue.title);
        const published = await publishChanges({
          deps,
          config,
          dir,
          baseSha: cloned.headSha,
          pushUrl: p.cloneUrl,
          branch,
          expectedRemoteSha: existingBranch ? cloned.headSha : null,
          token,
          message: `${subject}\n\nResolves #${number}.`,
          requester: p.requester,
          api: { octokit, owner, repo, defaultBranch: p.defaultBranch },
        });
        if (!published) {
          await reporter.finish({
            title,
            phase: "no_changes",
            startedAt,
            ...stats,
            message: "The agent finished without changing any files, so no pull request was opened.",
            summary: result.summary,
            hint: "Comment `/agent fix <more context>` to try again.",
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
        const body = formatPullRequestBody({
          issueNumber: number,
          summary: result.prBody || result.summary,
          changedFiles: published.changedFiles,
          configChanges: published.configChanges,
          executedChanges: published.executedChanges,
          testsRun: result.testsRun,
          template: template?.text ?? null,
          secrets,
          selfReview: selfReviewSection(report),
          transcriptUrl,
          marker: { issue: number, job: job.id, summary: result.summary.slice(0, 3000), sha: published.sha, selfReview: selfReviewMarker(report) },
        });
        const pr = await ensurePullRequest(
          octokit,
          {
            owner,
            repo,
            head: branch,
            base: p.defaultBranch,
            title: subject,
            body,
            draft: config.pullRequest.draft,
            labels: issue.labels.filter((l) => l.toLowerCase() !== config.trigger.label.toLowerCase()),
            assignees: coAuthorLogin(p.requester.login),
            reviewers: coAuthorLogin(p.requester.login),
          },
          (what, error) => job.log.warn({ err: error, what }, "pull request extra failed"),
        );
        job.report({ prUrl: pr.url });
        await reporter.finish({
          title,
          phase: "succeeded",
          startedAt,
          ...stats,
          resultLabel: pr.created ? "Pull request" : "Updated pull request",
          resultUrl: pr.url,
          message: [method, selfReviewLine(report)].filter(Boolean).join("\n\n"),
          ...(transcriptUrl ? { transcriptUrl } : {}),
          summary: result.summary,
          changedFiles: published.changedFiles,
          configChanges: published.configChanges,
          executedChanges: published.executedChanges.map((e) => e.path),
          hint: "Comment `/agent fix <instructions>` on the pull request for follow-up changes.",
        });
        return "succeeded";
      }),
    );
  });
}

function coAuthorLogin(login: string): string[] {
  return login.endsWith("[bot]") ? [] : [login];
}
