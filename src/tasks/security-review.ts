/**
 * The security-review job. The task frame gives it the review's repository port (with a call budget), the
 * config and the spend verdict; its status is the summary comment, which says so when a review fails.
 * Before the config (the frame's precheck):
 *  0. skipWhileQuotaLow: automatic reviews wait while the installation's quota is low;
 *  1. readReviewedPullRequest: a closed PR is not reviewed; a moved head with a newer review waiting stops.
 * Then, in runSecurityReview:
 *  2. noteTooManyFiles: past AGENT_REVIEW_MAX_FILES, one short note instead of a review;
 *  3. reviewFiles: the deterministic checks and (when allowed) the read-only model review on a
 *     clone of the head, its cost charged to the spend caps;
 *  4. readPosted: the app's earlier inline findings and summary;
 *  5. headMoved: if the PR head moved while reviewing, post nothing (a newer job is queued);
 *  6. postInlineFindings: one review with the new inline findings;
 *  7. postSummary: the summary comment, upserted;
 *  8. postCheckRun: the check run on the reviewed commit (a retried review edits its own);
 *  9. uploadSarif: when `review.sarif` asks for it.
 */
import { stripMarkers } from "../shared/markers.js";
import type { EffectiveConfig } from "../config/repo-config.js";
import { resolveModelProfile } from "../config/model-profile.js";
import { formatSarif, sarifAutomationId, type SarifOptions } from "../review/format-sarif.js";
import {
  meetsPermission,
  type CheckAnnotation,
  type InlineComment,
  type PullRequestInfo,
  type RepoGitHub,
  type SummaryComment,
} from "../github/repo-github.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { findMarker } from "../github/markers.js";
import { createAgentReviewer, type ModelReviewer } from "../review/agent-reviewer.js";
import { formatFindingComment, oneLine, severityBadge } from "../review/format-review-comment.js";
import { formatReviewFailedNote, formatReviewSummary, formatTooManyFilesNote, summarizeState } from "../review/format-review-summary.js";
import type { DiffFile } from "../review/parse-diff.js";
import { reviewDiff, type ReviewDiffResult } from "../review/review-diff.js";
import type { SecurityReviewPayload } from "./job-payloads.js";
import { atLeast, type Finding, type Severity } from "../review/types.js";
import type { Precheck, RunStatus, StatusContext, TaskFrame } from "./task-frame.js";
import type { TaskDeps } from "./task-deps.js";

export type SecurityReviewDeps = Pick<TaskDeps, "env" | "github" | "git" | "runAgent" | "createSandbox" | "spend" | "metrics" | "quota">;

/** GitHub rejects huge reviews; the rest are listed in the summary. */
export const MAX_INLINE_COMMENTS = 40;

export function reviewEvent(findings: readonly { severity: Severity }[], threshold: Severity | "never", ownPr: boolean): "COMMENT" | "REQUEST_CHANGES" {
  // GitHub refuses REQUEST_CHANGES on a PR the reviewer opened itself.
  if (threshold === "never" || ownPr) return "COMMENT";
  return findings.some((f) => atLeast(f.severity, threshold)) ? "REQUEST_CHANGES" : "COMMENT";
}

export function checkConclusion(findings: readonly { severity: Severity }[], threshold: Severity | "never"): "success" | "neutral" | "failure" {
  if (findings.length === 0) return "success";
  const failAt: Severity = threshold === "never" ? "high" : threshold;
  return findings.some((f) => atLeast(f.severity, failAt)) ? "failure" : "neutral";
}

export function toInlineComment(f: Finding, headSha: string): InlineComment {
  const c: InlineComment = { path: f.path, line: f.line, side: "RIGHT", body: formatFindingComment(f, headSha) };
  if (f.startLine !== undefined) {
    c.start_line = f.startLine;
    c.start_side = "RIGHT";
  }
  return c;
}

const LEVEL = { critical: "failure", high: "failure", medium: "warning", low: "notice" } as const;

function annotationsOf(findings: readonly Finding[]): CheckAnnotation[] {
  return findings.map((f) => ({
    path: f.path,
    start_line: f.startLine ?? f.line,
    end_line: f.line,
    annotation_level: LEVEL[f.severity],
    title: oneLine(`${f.severity.toUpperCase()} ${f.cwe}: ${f.title}`, 255),
    message: oneLine(f.explanation, 3000),
  }));
}

/** Stable analysis id per PR (a re-run replaces the last upload); provenance is the head commit in the base repository. */
export function sarifOptionsForPr(
  p: Pick<SecurityReviewPayload, "owner" | "repo" | "prNumber">,
  pr: { headSha: string; headRef: string; headRepoFullName: string | null },
  env: { GHE_HOST?: string | undefined; GHE_PROTOCOL?: string | undefined } = {},
): SarifOptions {
  const web = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}` : "https://github.com";
  // A fork's branch name is not a branch of the base repository: name it only for same-repo PRs.
  const sameRepo = pr.headRepoFullName?.toLowerCase() === `${p.owner}/${p.repo}`.toLowerCase();
  return {
    automationId: sarifAutomationId({ pr: p.prNumber }),
    versionControl: { repositoryUri: `${web}/${p.owner}/${p.repo}`, revisionId: pr.headSha, ...(sameRepo ? { branch: pr.headRef } : {}) },
  };
}

/**
 * Automatic reviews of pull requests opened by people below the trigger permission (anyone can open
 * a PR on a public repository) run only the free deterministic checks: otherwise every drive-by PR
 * spends the operator's model budget. `/agent review` from an authorized user runs the model review.
 */
async function modelReviewRefusal(gh: RepoGitHub, p: SecurityReviewPayload, author: string, config: EffectiveConfig): Promise<string | null> {
  if (p.trigger === "command") return null;
  const login = author.toLowerCase();
  if (gh.isSelf({ login: author })) return null;
  if (config.trigger.allowedBots.some((bot) => bot.toLowerCase() === login)) return null;
  const permission = await gh.permissionOf(author);
  if (meetsPermission(permission, config.trigger.minPermission)) return null;
  const min = config.trigger.minPermission;
  return `The model review runs automatically only on pull requests opened by users with ${min} permission, so only the deterministic checks ran. Someone with ${min} permission can ask for it with \`${config.trigger.commandPrefix} review\`.`;
}

/**
 * The app's own PR at the very commit its self-review (model included) reviewed before pushing:
 * the model would only repeat itself, so only the free deterministic checks run again. Any other
 * commit on the branch (a human's push) changes the head and gets the full review.
 */
function alreadySelfReviewed(gh: RepoGitHub, pr: { author: string; rawBody: string }, headSha: string): string | null {
  if (!gh.isSelf({ login: pr.author })) return null;
  const marker = findMarker(pr.rawBody, "pr");
  if (marker?.sha !== headSha || marker.selfReview !== "model") return null;
  return "This commit is the app's own change, which its security self-review (the model review included) checked before it was pushed; the deterministic checks ran again, and no model tokens were spent on the unchanged diff.";
}

type CloneSpec = { url: string; ref: string; token: string; scope: string };

/** `clone` is asked for only when the model review runs (it may mint the read-only git token). */
async function runReview(
  deps: SecurityReviewDeps,
  job: JobContext,
  config: EffectiveConfig,
  files: DiffFile[],
  clone: () => Promise<CloneSpec | null>,
  title: string,
  modelRefusal: string | null,
): Promise<ReviewDiffResult> {
  const base = {
    diff: files,
    // `review.secretScan: false` is honoured only when the operator allows it (AGENT_ALLOW_DISABLE_SECRET_SCAN);
    // otherwise the effective config was already clamped back to true when it was loaded.
    config: config.review,
    osv: { baseUrl: deps.env.OSV_API_URL, signal: job.signal },
    context: `Pull request title: ${title}`,
    signal: job.signal,
  };
  const hasModel = Boolean(deps.env.OPENAI_API_KEY || deps.env.OPENAI_BASE_URL);
  if (!config.review.modelReview || !hasModel)
    return reviewDiff({ ...base, noReviewerReason: "No model is configured for this installation; only the deterministic checks ran." });
  if (modelRefusal) return reviewDiff({ ...base, noReviewerReason: modelRefusal });
  const source = await clone();
  if (!source) return reviewDiff({ ...base, noReviewerReason: "The pull request's head repository is gone, so only the deterministic checks ran." });
  return deps.git.withWorkspace(job, async (dir) => {
    await deps.git.clone({ dir, url: source.url, ref: source.ref, token: source.token, depth: 1, scope: source.scope });
    const sandbox = deps.createSandbox({ mode: "read-only", workspaceDir: dir, network: "off" });
    const reviewer: ModelReviewer = createAgentReviewer({
      runAgent: deps.runAgent,
      workspaceDir: dir,
      sandbox,
      // Priced like the app's runs: the review's spend counts against the caps.
      model: resolveModelProfile({ env: deps.env, model: config.model, purpose: "review" }),
      limits: config.limits,
      compaction: config.compaction,
    });
    return reviewDiff({ ...base, reviewer });
  });
}

/**
 * Every GitHub call one review may make, token mints excluded: the PR (twice), the config files
 * (with the org fallback and `_extends`), the author's permission, the file list (at most
 * AGENT_REVIEW_MAX_FILES / 100 pages), the app's earlier comments, the review, the summary, the
 * check run (looked up, then edited or created) and SARIF. Past it the review stops rather than drain the installation's quota.
 */
export const REVIEW_CALL_BUDGET = 40;

/** Where the model review's checkout comes from, and whether git gets a (read-only) token for it. */
export function reviewCloneSource(
  pr: Pick<PullRequestInfo, "isFork" | "headRef" | "headCloneUrl" | "headRepoPrivate" | "baseCloneUrl">,
  prNumber: number,
): { url: string; ref: string; token: "none" | "read" } | null {
  // A public fork is cloned like anyone would: no token at all.
  if (pr.isFork && pr.headRepoPrivate === false && pr.headCloneUrl) return { url: pr.headCloneUrl, ref: pr.headRef, token: "none" };
  // A private (or unknown) fork: its head as the base repository publishes it, with the base's read-only token.
  if (pr.isFork) return pr.baseCloneUrl ? { url: pr.baseCloneUrl, ref: `refs/pull/${prNumber}/head`, token: "read" } : null;
  const url = pr.headCloneUrl ?? pr.baseCloneUrl;
  return url ? { url, ref: pr.headRef, token: "read" } : null;
}

function isAutomatic(p: SecurityReviewPayload): boolean {
  return p.trigger !== "command";
}

/** 0. Automatic reviews wait while the installation's quota is low: commands keep it. */
export function skipWhileQuotaLow(deps: SecurityReviewDeps, job: JobContext, p: SecurityReviewPayload): JobOutcome | null {
  if (!isAutomatic(p) || !deps.quota?.isLow(p.installationId)) return null;
  job.log.warn({ installationId: p.installationId }, "automatic security review skipped: the installation's API quota is low");
  deps.metrics?.automaticSkipped.inc({ kind: "security-review", reason: "quota" });
  return "no_changes";
}

/**
 * 1. The PR as it is now; a closed PR is not reviewed. If its head moved since the job was queued
 *    and a newer review waits for it, stop before reading anything else; if none waits (its push
 *    was rate-limited, or events arrived out of order), this run reviews the current head.
 */
export async function readReviewedPullRequest(job: JobContext, gh: RepoGitHub, p: SecurityReviewPayload): Promise<Precheck<PullRequestInfo>> {
  const pr = await gh.getPullRequest(p.prNumber);
  if (pr.state !== "open") return { stop: "no_changes" };
  if (pr.headSha !== p.headSha) {
    if (((await job.waitingBehind?.()) ?? 0) > 0) {
      job.log.info({ queued: p.headSha, head: pr.headSha }, "security review skipped: the PR head moved and a newer review waits");
      return { stop: "cancelled" };
    }
    job.log.info({ queued: p.headSha, head: pr.headSha }, "the PR head moved since this review was queued; reviewing the current head");
  }
  return { go: pr };
}

/**
 * The review's status is its summary comment: progress is not shown, and of the final states only
 * a failure is written there (a stopped or superseded review leaves the last summary as it was).
 */
export function openReviewSummary(p: SecurityReviewPayload): (ctx: StatusContext) => RunStatus {
  return ({ job, gh }) => ({
    always: {},
    update: async () => undefined,
    finish: async (end) => {
      if (end.phase !== "failed") return;
      try {
        const previous = await gh.findSecuritySummary(p.prNumber);
        const body = formatReviewFailedNote({
          message: end.message ?? "The review failed.",
          hint: "Comment `/agent review` to run it again; tell the app's operator if it keeps failing (the details are in the app's logs).",
          headSha: p.headSha,
          pr: p.prNumber,
          previous: previous?.marker ?? null,
        });
        await gh.ensureSecuritySummary(p.prNumber, body, previous);
      } catch (error) {
        job.log.warn({ err: error }, "the security summary could not say that the review failed");
      }
    },
  });
}

/** One review in progress: what every step needs. */
interface Review {
  deps: SecurityReviewDeps;
  job: JobContext;
  p: SecurityReviewPayload;
  frame: TaskFrame;
  pr: PullRequestInfo;
  /** The PR's number in the frame's repository. */
  number: number;
  /** The head this run reviews (the current one, see step 1). */
  headSha: string;
}

export async function runSecurityReview(
  deps: SecurityReviewDeps,
  job: JobContext,
  p: SecurityReviewPayload,
  frame: TaskFrame,
  pr: PullRequestInfo,
): Promise<JobOutcome> {
  const review: Review = { deps, job, p, frame, pr, number: p.prNumber, headSha: pr.headSha };
  if (await noteTooManyFiles(review)) return "no_changes";
  const { files, result } = await reviewFiles(review);
  const onPr = await readPosted(review);
  if (await headMoved(review)) return "cancelled";
  const inline = await postInlineFindings(review, result, onPr.posted);
  const summary = await postSummary(review, { result, files, previous: onPr.summary, inline: inline.done });
  await postCheckRun(review, result, summary);
  await uploadSarif(review, result);
  job.log.info(
    { findings: result.findings.length, unanchored: result.unanchored.length, inline: inline.count, event: inline.event, githubCalls: frame.budget?.used },
    "security review posted",
  );
  return "succeeded";
}

/** 2. Too many files: one short note instead of a review (GitHub's own count, before listing). */
async function noteTooManyFiles({ deps, job, p, frame, pr, number, headSha }: Review): Promise<boolean> {
  const maxFiles = deps.env.AGENT_REVIEW_MAX_FILES;
  if (pr.changedFiles === null || pr.changedFiles <= maxFiles) return false;
  const previous = await frame.gh.findSecuritySummary(number);
  const note = formatTooManyFilesNote({ files: pr.changedFiles, max: maxFiles, headSha, pr: p.prNumber, previous: previous?.marker ?? null });
  await frame.gh.ensureSecuritySummary(number, note, previous);
  deps.metrics?.automaticSkipped.inc({ kind: "security-review", reason: "too-many-files" });
  job.log.info({ files: pr.changedFiles, max: maxFiles }, "security review skipped: too many files");
  return true;
}

/** 3. Review the files GitHub reports for the PR; the model's cost counts against the spend caps. */
async function reviewFiles({ deps, job, p, frame, pr, number, headSha }: Review): Promise<{ files: DiffFile[]; result: ReviewDiffResult }> {
  const { gh, config } = frame;
  const files = await gh.listPullRequestDiffFiles(number, deps.env.AGENT_REVIEW_MAX_FILES);
  const source = reviewCloneSource(pr, p.prNumber);
  const repoName = `${p.owner}/${p.repo}`;
  const modelRefusal = frame.capped ?? alreadySelfReviewed(gh, pr, headSha) ?? (await modelReviewRefusal(gh, p, pr.author, config));
  // The repository cache is keyed per installation, whatever the token (a public fork: none).
  const clone = async (): Promise<CloneSpec | null> =>
    source && {
      url: source.url,
      ref: source.ref,
      token: source.token === "none" ? "" : await deps.github.installationToken(p.installationId, TOKEN_SCOPES.gitRead(frame.repoId)),
      scope: `installation:${p.installationId}`,
    };
  const result = await runReview(deps, job, config, files, clone, pr.title, modelRefusal);
  job.report({
    prUrl: pr.htmlUrl,
    ...(result.modelTokens ? { tokens: result.modelTokens.input + result.modelTokens.output } : {}),
    ...(result.modelCostUsd !== undefined ? { costUsd: result.modelCostUsd } : {}),
  });
  if (result.modelCostUsd !== undefined) {
    await deps.spend.record(repoName, p.installationId, result.modelCostUsd);
    const model = resolveModelProfile({ env: deps.env, model: config.model, purpose: "review" }).name;
    deps.metrics?.recordModelUsage({
      repo: repoName,
      model,
      input: result.modelTokens?.input ?? 0,
      output: result.modelTokens?.output ?? 0,
      costUsd: result.modelCostUsd,
    });
  }
  return { files, result };
}

/** 4. What is already on the PR. */
async function readPosted({ frame, number }: Review): Promise<{ posted: Set<string>; summary: SummaryComment | null }> {
  const [posted, summary] = await Promise.all([frame.gh.listPostedFindings(number), frame.gh.findSecuritySummary(number)]);
  return { posted, summary };
}

/** 5. Stale-head guard: if the PR moved on while reviewing, this review is about a commit nobody looks at. */
async function headMoved({ job, frame, number, headSha }: Review): Promise<boolean> {
  const now = await frame.gh.getPullRequest(number);
  if (now.headSha === headSha) return false;
  job.log.info({ reviewed: headSha, head: now.headSha }, "security review discarded: the PR head moved");
  return true;
}

/** 6. One review with the new inline findings; returns the fingerprints now inline (earlier ones included). */
async function postInlineFindings(
  { frame, pr, headSha }: Review,
  result: ReviewDiffResult,
  posted: Set<string>,
): Promise<{ done: Set<string>; count: number; event: "COMMENT" | "REQUEST_CHANGES" }> {
  const fresh = result.findings.filter((f) => !posted.has(f.fingerprint));
  const inline = fresh.slice(0, MAX_INLINE_COMMENTS);
  const ownPr = frame.gh.isSelf({ login: pr.author });
  const event = reviewEvent(result.findings, frame.config.review.requestChangesAt, ownPr);
  const done = new Set(posted);
  if (inline.length > 0) {
    const counts = inline.map((f) => f.severity);
    const body = `issue-agent security review of \`${headSha.slice(0, 7)}\`: ${inline.length} new finding(s) (${[...new Set(counts)].map((s) => `${counts.filter((c) => c === s).length} ${severityBadge(s)}`).join(", ")}). The summary comment lists everything, including what could not be commented inline.`;
    const review = await frame.gh.postSecurityReview({
      number: pr.number,
      commitId: headSha,
      event,
      body,
      comments: inline.map((f) => toInlineComment(f, headSha)),
    });
    const rejected = new Set(review.rejected.map((c) => `${c.path}:${c.line}`));
    for (const f of inline) if (!rejected.has(`${f.path}:${f.line}`)) done.add(f.fingerprint);
  }
  return { done, count: inline.length, event };
}

/** 7. The summary comment, upserted; returns its body. */
async function postSummary(
  { p, frame, number, headSha }: Review,
  s: { result: ReviewDiffResult; files: DiffFile[]; previous: SummaryComment | null; inline: Set<string> },
): Promise<string> {
  const state = summarizeState(s.result, s.previous?.marker ?? null);
  const textFiles = s.files.filter((f) => !f.binary && f.status !== "removed").length;
  const body = formatReviewSummary({ result: s.result, state, headSha, pr: p.prNumber, inline: s.inline, textFiles });
  await frame.gh.ensureSecuritySummary(number, body, s.previous);
  return body;
}

/** 8. The check run on the reviewed commit: the app's own one edited (a retried review), else created. */
async function postCheckRun({ frame, headSha }: Review, result: ReviewDiffResult, summaryBody: string): Promise<void> {
  const all = [...result.findings, ...result.unanchored];
  await frame.gh.ensureSecurityCheckRun({
    headSha,
    conclusion: checkConclusion(all, frame.config.review.requestChangesAt),
    title: all.length === 0 ? "No security findings" : `${all.length} security finding(s)`,
    summary: stripMarkers(summaryBody),
    annotations: annotationsOf(result.findings),
  });
}

/** 9. Optional SARIF upload with its own token (security_events is optional for the App); a missing permission must not fail the review. */
async function uploadSarif({ deps, job, p, frame, pr, headSha }: Review, result: ReviewDiffResult): Promise<void> {
  if (!frame.config.review.sarif) return;
  try {
    const uploader = await frame.portFor(TOKEN_SCOPES.sarif(frame.repoId));
    await uploader.uploadSarif({
      commitSha: headSha,
      ref: `refs/pull/${p.prNumber}/head`,
      sarif: formatSarif(result, sarifOptionsForPr(p, pr, deps.env)),
    });
  } catch (error) {
    job.log.warn({ err: error }, "SARIF upload failed");
  }
}
