/**
 * The steps resolve-issue and fix-pr share once they know what to change: a workspace with the push
 * token and the run transcript, the clone, the agent with its security self-review, the commit and
 * push with the transcript check run, and the status comment's last word.
 */
import type { TranscriptRecorder } from "../agent/transcript.js";
import type { RunAgentResult } from "../agent/types.js";
import type { StatusReporter, StatusUpdate } from "../github/status-reporter.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { modelSettings, runAgentSession, settleAgentRun, type RunStats, type SessionParams } from "./agent-session.js";
import { selfReviewLine } from "./format-self-review.js";
import { buildInstructions } from "./prompts.js";
import { describeCommitMethod, publishChanges, type PublishParams, type Published } from "./publish-changes.js";
import { publishCommitTranscript, startTranscript, withSavedTranscript } from "./run-transcript.js";
import { selfReview, type SelfReviewReport } from "./self-review.js";
import type { TaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

/** One coding run: what every step needs. */
export interface CodingRun {
  deps: TaskDeps;
  job: JobContext;
  frame: TaskFrame<StatusReporter>;
  installationId: number;
  owner: string;
  repo: string;
  /** What the reader of a run that stopped can do. */
  retryHint: string;
}

export interface Workspace {
  dir: string;
  /** The installation token git pushes with (a secret of the run from now on). */
  token: string;
  transcript: TranscriptRecorder;
}

/** What the agent did, reviewed and charged. */
export interface AgentWork {
  result: RunAgentResult;
  report: SelfReviewReport;
  stats: RunStats;
}

export interface PushedWork {
  commit: Published;
  /** How it was committed, and what the self-review left: shown in the status and the transcript. */
  lines: string[];
  transcriptUrl: string | undefined;
}

/** Mint the push token, then run `fn` in a fresh workspace whose transcript is saved however it ends. */
export async function inWorkspace<T>(run: CodingRun, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const { deps, job, frame } = run;
  // A fork's branch is pushed on the strength of the base repository's PR ("allow edits by
  // maintainers"), so the token names the base repository even then.
  const token = await deps.github.installationToken(run.installationId, TOKEN_SCOPES.gitPush(frame.repoId));
  frame.secrets.push(token);
  const transcript = startTranscript(deps, frame.secrets);
  return deps.git.withWorkspace(job, (dir) => withSavedTranscript(deps, job, transcript, () => fn({ dir, token, transcript })));
}

export function cloneBranch(run: CodingRun, ws: Workspace, source: { url: string; ref: string }): Promise<{ headSha: string }> {
  return run.deps.git.clone({
    dir: ws.dir,
    url: source.url,
    ref: source.ref,
    token: ws.token,
    depth: run.deps.env.AGENT_CLONE_DEPTH,
    scope: `installation:${run.installationId}`,
  });
}

/**
 * The agent's session, its security self-review with fix rounds, then the settlement (spend charged;
 * a run that failed or ran out of budget has its status finished and returns `stopped`).
 */
export async function runAgentWithSelfReview(
  run: CodingRun,
  ws: Workspace,
  p: { baseSha: string; agentsMd: string | null; task: SessionParams["task"] },
): Promise<AgentWork | { stopped: JobOutcome }> {
  const { deps, job, frame } = run;
  const { config, reporter } = frame;
  const session = {
    deps,
    job,
    config,
    dir: ws.dir,
    reporter,
    transcript: ws.transcript,
    instructions: buildInstructions(p.agentsMd, config.sandbox.testCommand),
  };
  const first = await runAgentSession({ ...session, task: p.task });
  // Reviewed and fixed before anything is pushed (self-review.ts).
  const { result, report } = await selfReview({
    ...session,
    baseSha: p.baseSha,
    taskText: p.task.text,
    result: first,
    followUp: (text, limits) => runAgentSession({ ...session, task: { kind: p.task.kind, text }, followUp: { limits } }),
  });
  const { stats, stopped } = await settleAgentRun({
    deps,
    job,
    repo: `${run.owner}/${run.repo}`,
    installationId: run.installationId,
    model: config.model.name,
    priced: modelSettings(deps, config).priced,
    result,
    reporter,
    retryHint: run.retryHint,
  });
  return stopped ? { stopped } : { result, report, stats };
}

/** Where and how a run's commit goes (what differs between the kinds). */
export type PublishTarget = Pick<PublishParams, "baseSha" | "pushUrl" | "branch" | "expectedRemoteSha" | "message" | "requester" | "api">;

/** The Git Data API commit through the run's port, to the repository's default branch's history. */
export function apiCommitTo(run: CodingRun, defaultBranch: string): NonNullable<PublishTarget["api"]> {
  return { gh: run.frame.gh, defaultBranch };
}

/** Check, commit and push the work (publish-changes), then the transcript check run on the commit; null: nothing changed. */
export async function publish(run: CodingRun, ws: Workspace, work: AgentWork, target: PublishTarget): Promise<PushedWork | null> {
  const { deps, job, frame } = run;
  const commit = await publishChanges({ deps, config: frame.config, dir: ws.dir, token: ws.token, botLogin: frame.gh.botLogin, ...target });
  if (!commit) return null;
  const method = describeCommitMethod(commit, frame.config.pullRequest.commitMethod);
  ws.transcript.note(method);
  const lines = [method, selfReviewLine(work.report)].filter(Boolean);
  const transcriptUrl = await publishCommitTranscript(
    {
      deps,
      job,
      gh: frame.gh,
      secrets: frame.secrets,
      title: frame.reporter.title,
      model: frame.config.model.name,
      price: frame.price,
    },
    ws.transcript,
    commit,
    { ...work.stats, summary: work.result.summary, lines },
  );
  return { commit, lines, transcriptUrl };
}

export async function finishNoChanges(run: CodingRun, work: AgentWork, message: string, hint?: string): Promise<JobOutcome> {
  await run.frame.reporter.finish({ phase: "no_changes", ...work.stats, message, summary: work.result.summary, ...(hint ? { hint } : {}) });
  return "no_changes";
}

/** The status comment's last word on a pushed run: where the result is, what changed, how it was checked. */
export async function finishPushed(
  run: CodingRun,
  work: AgentWork,
  pushed: PushedWork,
  result: Required<Pick<StatusUpdate, "resultLabel" | "resultUrl">> & Pick<StatusUpdate, "hint">,
): Promise<JobOutcome> {
  const { commit } = pushed;
  await run.frame.reporter.finish({
    phase: "succeeded",
    ...work.stats,
    ...result,
    message: pushed.lines.join("\n\n"),
    ...(pushed.transcriptUrl ? { transcriptUrl: pushed.transcriptUrl } : {}),
    summary: work.result.summary,
    changedFiles: commit.changedFiles,
    configChanges: commit.configChanges,
    executedChanges: commit.executedChanges.map((e) => e.path),
  });
  return "succeeded";
}
