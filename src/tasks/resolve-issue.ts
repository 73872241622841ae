/**
 * resolve-issue: a labelled issue (or `/agent fix` on it) becomes a pull request. The task frame has
 * taken over the status comment, loaded the config and checked the spend caps; then:
 *  1. removeTriggerLabel: so toggling the label cannot queue a pile of runs;
 *  2. readIssue: the issue and the comments the agent may see (what a person sees on GitHub,
 *     permission- and time-filtered), logging where hidden content was removed;
 *  3. readRepoFiles: AGENTS.md and the PR template from the default branch through the API;
 *  4. chooseBranch: the existing agent branch when a previous run made one, else a new one;
 *  5. checkoutBranch: clone that branch (or the default branch, and create the new one);
 *  6. runAgentWithSelfReview: the agent in the sandbox, mirroring its plan in the status comment;
 *  7. publish: check, commit and push (publish-changes); no changes -> explain, no PR;
 *  8. ensurePr: find by head branch, create or update;
 *  9. finishPushed: the status comment links the PR.
 */
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { INSTRUCTION_FILES, PR_TEMPLATE_FILES, type EnsuredPullRequest, type IssueContext } from "../github/repo-github.js";
import { findMarker } from "../github/markers.js";
import type { StatusReporter } from "../github/status-reporter.js";
import { toModelText, type ModelText } from "../shared/sanitize.js";
import { apiCommitTo, cloneBranch, finishNoChanges, finishPushed, inWorkspace, publish, runAgentWithSelfReview } from "./coding-steps.js";
import type { AgentWork, CodingRun, PublishTarget, PushedWork, Workspace } from "./coding-steps.js";
import type { SessionParams } from "./agent-session.js";
import { formatPullRequestBody, formatTitle, slugify } from "./format-pull-request.js";
import { selfReviewSection } from "./format-self-review.js";
import type { ResolveIssuePayload } from "./job-payloads.js";
import { buildIssuePrompt, hiddenContentSources } from "./prompts.js";
import { selfReviewMarker } from "./self-review.js";
import type { TaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

type Run = CodingRun & { p: ResolveIssuePayload };

const RETRY_HINT = "Comment `/agent fix <more context>` to try again.";

export async function runResolveIssue(deps: TaskDeps, job: JobContext, p: ResolveIssuePayload, frame: TaskFrame<StatusReporter>): Promise<JobOutcome> {
  const run: Run = { deps, job, frame, p, installationId: p.installationId, owner: p.owner, repo: p.repo, retryHint: RETRY_HINT };
  await removeTriggerLabel(run);
  const issue = await readIssue(run);
  const files = await readRepoFiles(run);
  const branch = await chooseBranch(run, issue.context);
  return inWorkspace(run, async (ws) => {
    const baseSha = await checkoutBranch(run, ws, branch);
    const work = await runAgentWithSelfReview(run, ws, { baseSha, agentsMd: files.agentsMd, task: issueTask(run, issue, branch) });
    if ("stopped" in work) return work.stopped;
    const subject = formatTitle(work.result.prTitle, issue.context.title);
    const pushed = await publish(run, ws, work, pushTarget(run, branch, baseSha, subject));
    if (!pushed) return finishNoChanges(run, work, "The agent finished without changing any files, so no pull request was opened.", RETRY_HINT);
    const pr = await ensurePr(run, { issue: issue.context, branch: branch.name, subject, template: files.template, work, pushed });
    return finishPushed(run, work, pushed, {
      resultLabel: pr.created ? "Pull request" : "Updated pull request",
      resultUrl: pr.url,
      hint: "Comment `/agent fix <instructions>` on the pull request for follow-up changes.",
    });
  });
}

async function removeTriggerLabel({ p, frame }: Run): Promise<void> {
  if (p.removeLabel) await frame.gh.removeLabel(p.issueNumber, p.removeLabel);
}

interface Issue {
  context: IssueContext;
  instruction: ModelText;
}

async function readIssue({ job, p, frame }: Run): Promise<Issue> {
  const { gh, config, reporter } = frame;
  await reporter.update({ phase: "working", currentStep: "reading the issue" });
  const context = await gh.getIssueContext(p.issueNumber, { snapshot: p.issueSnapshot, triggerAt: p.triggerAt, minPermission: config.trigger.minPermission });
  const instruction = toModelText(p.instruction);
  const hidden = hiddenContentSources([
    ["issue body", context.body],
    ["instruction", instruction],
    ...context.comments.map((c) => [`comment by ${c.author}`, c.body] as const),
  ]);
  if (hidden.length > 0) job.log.info({ hidden }, "hidden content removed from text for the model");
  return { context, instruction };
}

async function readRepoFiles({ p, frame }: Run): Promise<{ agentsMd: string | null; template: string | null }> {
  const agentsMd = await frame.gh.findFirstFile(INSTRUCTION_FILES, p.defaultBranch);
  const template = await frame.gh.findFirstFile(PR_TEMPLATE_FILES, p.defaultBranch);
  return { agentsMd: agentsMd?.text ?? null, template: template?.text ?? null };
}

interface Branch {
  name: string;
  /** A previous run's PR has it: the run continues on it. */
  existing: boolean;
  /** That run's summary, from the PR's marker. */
  previousSummary: string;
}

async function chooseBranch({ p, frame }: Run, issue: IssueContext): Promise<Branch> {
  const prefix = `${frame.config.branch.prefix}issue-${p.issueNumber}-`;
  const existingPr = await frame.gh.findPullRequestByHeadPrefix(prefix);
  return {
    name: existingPr?.headRef ?? `${prefix}${slugify(issue.title)}`,
    existing: existingPr !== null,
    previousSummary: existingPr ? String(findMarker(existingPr.body, "pr")?.summary ?? "") : "",
  };
}

/** The task as the model sees it: the issue, the requester's instruction, and the previous run's summary. */
function issueTask({ p }: Run, issue: Issue, branch: Branch): SessionParams["task"] {
  const text = buildIssuePrompt({
    issue: issue.context,
    requester: p.requester.login,
    instruction: issue.instruction,
    previousSummary: branch.previousSummary,
  });
  return { kind: "resolve-issue", text, images: issue.context.images };
}

/** Where the commit goes: the agent's branch, fast-forward only when it existed; by the Git Data API when configured. */
function pushTarget(run: Run, branch: Branch, baseSha: string, subject: string): PublishTarget {
  const { p } = run;
  return {
    baseSha,
    pushUrl: p.cloneUrl,
    branch: branch.name,
    expectedRemoteSha: branch.existing ? baseSha : null,
    message: `${subject}\n\nResolves #${p.issueNumber}.`,
    requester: p.requester,
    api: apiCommitTo(run, p.defaultBranch),
  };
}

/** Returns the commit the agent starts from. */
async function checkoutBranch(run: Run, ws: Workspace, branch: Branch): Promise<string> {
  const cloned = await cloneBranch(run, ws, { url: run.p.cloneUrl, ref: branch.existing ? branch.name : run.p.defaultBranch });
  if (!branch.existing) await run.deps.git.createBranch({ dir: ws.dir, name: branch.name });
  return cloned.headSha;
}

async function ensurePr(
  { job, p, frame }: Run,
  r: { issue: IssueContext; branch: string; subject: string; template: string | null; work: AgentWork; pushed: PushedWork },
): Promise<EnsuredPullRequest> {
  const { result, report } = r.work;
  const { commit } = r.pushed;
  const body = formatPullRequestBody({
    issueNumber: p.issueNumber,
    summary: result.prBody || result.summary,
    changedFiles: commit.changedFiles,
    configChanges: commit.configChanges,
    executedChanges: commit.executedChanges,
    testsRun: result.testsRun,
    template: r.template,
    secrets: frame.secrets,
    selfReview: selfReviewSection(report),
    transcriptUrl: r.pushed.transcriptUrl,
    marker: { issue: p.issueNumber, job: job.id, summary: result.summary.slice(0, 3000), sha: commit.sha, selfReview: selfReviewMarker(report) },
  });
  const coAuthor = coAuthorLogin(p.requester.login);
  const pr = await frame.gh.ensurePullRequest(
    {
      head: r.branch,
      base: p.defaultBranch,
      title: r.subject,
      body,
      draft: frame.config.pullRequest.draft,
      labels: r.issue.labels.filter((l) => l.toLowerCase() !== frame.config.trigger.label.toLowerCase()),
      assignees: coAuthor,
      reviewers: coAuthor,
    },
    (what, error) => job.log.warn({ err: error, what }, "pull request extra failed"),
  );
  job.report({ prUrl: pr.url });
  return pr;
}

function coAuthorLogin(login: string): string[] {
  return login.endsWith("[bot]") ? [] : [login];
}
