/**
 * fix-pr: `/agent fix` on a pull request (or in one review thread, or an autofix after a failed
 * check) pushes follow-up commits to the PR's own branch. The task frame has taken over the status
 * comment, loaded the config and checked the spend caps; then:
 *  1. readPullRequest: the PR as it is now;
 *  2. checkPushable: closed, a fork that does not allow maintainer edits, the default branch as its
 *     head or a deleted head repository -> explain and stop;
 *  3. gatherContext: description, diff, unresolved threads (or the one thread), the previous run's
 *     summary from our marker, the failing check; AGENTS.md from the BASE branch via the API;
 *  4. cloneBranch: the PR head;
 *  5. runAgentWithSelfReview: the agent in the sandbox, its change security-reviewed;
 *  6. publish: check, commit and push fast-forward only (if the branch moved meanwhile, explain and
 *     stop with the remote untouched); no changes -> explain;
 *  7. updatePrMarker: on the app's own PR, the newest summary in its hidden marker;
 *  8. finishPushed: the status comment (in the thread for a review comment) links the new commit.
 */
import { stripMarkers } from "../shared/markers.js";
import { INSTRUCTION_FILES, type PullRequestInfo, type ReviewThread } from "../github/repo-github.js";
import type { StatusReporter } from "../github/status-reporter.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { parseFindingMarker } from "../review/review-markers.js";
import { findMarker, renderMarker } from "../github/markers.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { outboundCode } from "../shared/format-outbound.js";
import { toModelLine, toModelPlainText, toModelText, type ModelText } from "../shared/sanitize.js";
import { apiCommitTo, cloneBranch, finishNoChanges, finishPushed, inWorkspace, publish, runAgentWithSelfReview } from "./coding-steps.js";
import type { AgentWork, CodingRun, PublishTarget, PushedWork } from "./coding-steps.js";
import { RunStoppedError } from "./explain-failure.js";
import { formatTitle, mergeExecutedWarning } from "./format-pull-request.js";
import type { FixPrPayload } from "./job-payloads.js";
import { buildPullRequestPrompt, hiddenContentSources } from "./prompts.js";
import { selfReviewMarker } from "./self-review.js";
import type { TaskFrame } from "./task-frame.js";
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

type Run = CodingRun & { p: FixPrPayload };

const RETRY_HINT = "Comment `/agent fix <instructions>` to try again.";

export async function runFixPr(deps: TaskDeps, job: JobContext, p: FixPrPayload, frame: TaskFrame<StatusReporter>): Promise<JobOutcome> {
  const run: Run = { deps, job, frame, p, installationId: p.installationId, owner: p.owner, repo: p.repo, retryHint: RETRY_HINT };
  const pr = await readPullRequest(run);
  const pushUrl = checkPushable(pr, p.cloneUrl);
  const context = await gatherContext(run, pr);
  return inWorkspace(run, async (ws) => {
    const { headSha: baseSha } = await cloneBranch(run, ws, { url: pushUrl, ref: pr.headRef });
    const work = await runAgentWithSelfReview(run, ws, { baseSha, agentsMd: context.agentsMd, task: { kind: "fix-pr", text: context.taskText } });
    if ("stopped" in work) return work.stopped;
    const pushed = await publish(run, ws, work, pushTarget(run, pr, pushUrl, baseSha, work));
    if (!pushed) return finishNoChanges(run, work, "The agent finished without changing any files, so nothing was pushed.");
    if (context.ours) await updatePrMarker(run, pr, work, pushed);
    return finishPushed(run, work, pushed, { resultLabel: "Pushed", resultUrl: `${pr.htmlUrl}/commits/${pushed.commit.sha}` });
  });
}

/** The PR's own branch, fast-forward only; forks by git push, others as configured. */
function pushTarget(run: Run, pr: PullRequestInfo, pushUrl: string, baseSha: string, work: AgentWork): PublishTarget {
  const { p } = run;
  return {
    baseSha,
    pushUrl,
    branch: pr.headRef,
    expectedRemoteSha: baseSha,
    message: formatTitle(work.result.prTitle, p.reviewCommentId ? "Address review comment" : `Follow-up for #${p.prNumber}`),
    requester: p.requester,
    // GitHub's Git Data API cannot write to a fork's branch as this app: forks keep the git push.
    api: pr.isFork ? undefined : apiCommitTo(run, pr.defaultBranch),
  };
}

async function readPullRequest({ job, p, frame }: Run): Promise<PullRequestInfo> {
  await frame.reporter.update({ phase: "working", currentStep: "reading the pull request" });
  const pr = await frame.gh.getPullRequest(p.prNumber);
  job.report({ prUrl: pr.htmlUrl });
  return pr;
}

/** Where the PR's head can be pushed to; a PR the app must not or cannot push to stops the run. */
function checkPushable(pr: PullRequestInfo, baseCloneUrl: string): string {
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
  const pushUrl = pr.isFork ? pr.headCloneUrl : baseCloneUrl;
  if (!pushUrl) throw new RunStoppedError("The pull request's head repository is gone, so the app cannot push to it.");
  return pushUrl;
}
/** The task as the model sees it (what a person sees on GitHub), the base branch's AGENTS.md, and whether the PR is the app's. */
async function gatherContext(run: Run, pr: PullRequestInfo): Promise<{ taskText: string; agentsMd: string | null; ours: boolean }> {
  const { job, p, frame } = run;
  const diff = await frame.gh.getPullRequestDiff(p.prNumber);
  const threads = await readThreads(run);
  const ours = frame.gh.isSelf({ login: pr.author });
  const checkRun = await readFailedCheck(run);
  // Instructions come from the base branch: a PR cannot rewrite the rules it is fixed under.
  const agentsMd = await frame.gh.findFirstFile(INSTRUCTION_FILES, pr.baseRef);
  // Everything below reaches the model as what a person sees on GitHub.
  const description = p.prSnapshot ? toModelText(p.prSnapshot.body) : pr.body;
  const instruction = toModelText(p.instruction);
  const hidden = hiddenContentSources([
    ["pull request description", description],
    ["instruction", instruction],
    ["check output", checkRun?.summary],
    ...threads.flatMap((t) => t.comments.map((c) => [`review thread comment by ${c.author}`, c.body] as const)),
  ]);
  if (hidden.length > 0) job.log.info({ hidden }, "hidden content removed from text for the model");
  const taskText = buildPullRequestPrompt({
    // The description as it was when the command was given, not as edited since.
    pr: { ...pr, body: description },
    diff,
    threads,
    singleThread: Boolean(p.reviewCommentId),
    instruction,
    requester: p.requester.login,
    previousSummary: ours ? String(findMarker(pr.rawBody, "pr")?.summary ?? "") : "",
    finding: findingOf(threads[0], Boolean(p.reviewCommentId)),
    checkRun,
  });
  return { taskText, agentsMd: agentsMd?.text ?? null, ours };
}

/** The unresolved review threads, or the one thread of a review-comment trigger. */
async function readThreads({ job, p, frame }: Run): Promise<ReviewThread[]> {
  const { gh, config, reporter } = frame;
  const filter = { triggerAt: p.triggerAt, minPermission: config.trigger.minPermission };
  try {
    if (p.reviewCommentId) return [await gh.getReviewThread(p.prNumber, p.reviewCommentId, filter)];
    return await gh.getUnresolvedThreads(p.prNumber, filter);
  } catch (error) {
    // The threads are context; an explicit instruction (or a failing check) is the task itself.
    if (!p.instruction.trim() && !p.checkRun) throw error;
    job.log.warn({ err: error }, "review threads could not be read; going on with the instruction");
    reporter.addNote("The review threads could not be read from GitHub, so this run worked from your instruction, the description and the diff only.");
    return [];
  }
}

/** An autofix run's failing check, with its Actions log tail when the App may read it. */
async function readFailedCheck({ p, frame }: Run): Promise<{ name: string; summary: ModelText; log: string | null } | undefined> {
  if (!p.checkRun) return undefined;
  // Actions logs need an optional App permission: their own token, so its absence costs only the log.
  const log = p.checkRun.actionsJobId ? await (await frame.portFor(TOKEN_SCOPES.actionsLog(frame.repoId))).getActionsJobLogTail(p.checkRun.actionsJobId) : null;
  return { name: toModelLine(p.checkRun.name), summary: toModelText(p.checkRun.summary), log: log ? toModelPlainText(log) : null };
}

/** Carry the newest run summary in the PR's hidden marker (and the executed-files warning in its body), so the next follow-up continues from it. */
async function updatePrMarker({ job, frame }: Run, pr: PullRequestInfo, work: AgentWork, pushed: PushedWork): Promise<void> {
  const { commit } = pushed;
  const body = mergeExecutedWarning(pr.rawBody, commit.executedChanges, commit.configChanges, frame.secrets);
  const data = { summary: work.result.summary.slice(0, 3000), sha: commit.sha, job: job.id, selfReview: selfReviewMarker(work.report) };
  const previous = findMarker(body, "pr") ?? {};
  const stripped = stripMarkers(body, "pr").trimEnd();
  await frame.gh.updatePullRequestBody(pr.number, `${stripped}\n\n${renderMarker("pr", { ...previous, ...data })}`);
}
