/**
 * The one frame around every job kind (resolve-issue, fix-pr, the security review), in order:
 *  1. a reason not to start at all, decided without GitHub (the review: the API quota is low);
 *  2. the repository's GitHub ports (github/repo-github.ts), each over its own least-privilege
 *     client: contents:read for the config, the kind's own scope for the run; the body gets the
 *     run's port only (and `portFor` for a further scope), never a bare Octokit;
 *  3. open the run's status (the status comment the handler created, or the review's summary
 *     comment): it owns the title and the start time, and takes the final word of every run;
 *  4. checks that can end the run before the config is read (the review: a closed PR, a newer head);
 *  5. the repo config from the default branch, capped by the operator, ONCE; an invalid file is
 *     reported on the issue/PR or, for the review, skipped with a log line;
 *  6. the model picked for the run, checked against the allowlist again;
 *  7. the spending caps, checked ONCE: they end a coding run, and are an input to the review;
 *  8. the body; any failure becomes the status's final word here and nowhere else.
 * What each kind gives the frame (scope, status, checks, rules) is described in job-registry.ts.
 */
import { applyOperatorCaps, type EffectiveConfig } from "../config/repo-config.js";
import { chooseRunModel } from "../config/run-model.js";
import { resolveModelProfile, type ModelPurpose } from "../config/model-profile.js";
import type { ModelPrice } from "../config/model-prices.js";
import { CONFIG_SCOPE, type CallBudget, type TokenScope } from "../github/client.js";
import type { RepoGitHub, RepoStatusRef } from "../github/repo-github.js";
import { StatusReporter, type StatusUpdate } from "../github/status-reporter.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { ConfigError, isAppError } from "../shared/errors.js";
import { failureFacts } from "../jobs/job-report.js";
import { explainFailure, RunStoppedError } from "./explain-failure.js";
import type { TaskDeps } from "./task-deps.js";

export type FrameDeps = Pick<TaskDeps, "env" | "github" | "spend" | "ensureTriggerLabel" | "statusIntervalMs" | "now">;

/** Where a run reports: the status comment (StatusReporter), or the review's summary comment. */
export interface RunStatus {
  update(update: StatusUpdate): Promise<void>;
  finish(update: StatusUpdate): Promise<void>;
  /** Shown on every later edit (the run's model, once the config is known). */
  always: Partial<StatusUpdate>;
}

export interface StatusContext {
  deps: FrameDeps;
  job: JobContext;
  /** The run's port, bound to the job's repository. */
  gh: RepoGitHub;
  title: string;
  startedAt: number;
  /** Literal secrets of the run, read at each edit (tokens are added as they are minted). */
  secrets: readonly string[];
}

/** A check before the config: stop the run with this outcome, or go on with what it read. */
export type Precheck<B> = { stop: JobOutcome } | { go: B };

export interface FrameSpec<S extends RunStatus, B> {
  installationId: number;
  owner: string;
  repo: string;
  /** The repository's id: every token of the run is limited to it (null: looked up, for jobs queued by older versions). */
  repoId: number | null;
  /** The issue or PR the run is about (an invalid config is reported there). */
  number: number;
  /** How the status names the run. */
  title: string;
  /** The token scope of the run's client. */
  scope(repoId: number): TokenScope;
  /** A cap on the run client's GitHub calls. */
  budget?: CallBudget;
  /** A model picked for this run (`--model`, `agent:NAME`). */
  model?: string | undefined;
  /** Which model profile the status names: the coding model, or the review model (AGENT_REVIEW_MODEL). */
  modelPurpose: ModelPurpose;
  /** Step 1: an outcome to end with before any GitHub call, or null to go on. */
  skip?(): JobOutcome | null;
  /** Step 3. */
  openStatus(ctx: StatusContext): S;
  /** Step 4, with the run's port; what it returns is handed to the body. */
  precheck?(gh: RepoGitHub, repoId: number): Promise<Precheck<B>>;
  /** Step 5: "report" lists the problems in a comment and fails the run; "skip" logs and ends with no_changes. */
  onConfigError: "report" | "skip";
  /** Step 7: "stop" ends the run as budget_exhausted; "input" hands the reason to the body. */
  onSpendCap: "stop" | "input";
  /** Create the trigger label on the repository's first run in this process. */
  ensureTriggerLabel?: boolean;
}

export interface TaskFrame<S extends RunStatus = RunStatus> {
  /** The run's GitHub port: the job's repository, the kind's token scope (and call budget). */
  gh: RepoGitHub;
  /** A port on the same repository over a client with another scope (Actions logs, SARIF), sharing the run's call budget. */
  portFor(scope: TokenScope): Promise<RepoGitHub>;
  reporter: S;
  config: EffectiveConfig;
  repoId: number;
  /** Literal secrets of this run (the installation token once minted), redacted everywhere. */
  secrets: string[];
  /** Why a spending cap forbids model spend ("input" kinds only; null: it does not). */
  capped: string | null;
  /** The configured model's price, as the status and the transcript show it. */
  price: string | undefined;
  /** The run's cap on GitHub calls, if its kind has one (further clients of the run share it). */
  budget: CallBudget | undefined;
}

export function describePrice(price: ModelPrice | undefined): string | undefined {
  return price ? `$${price.input.toFixed(2)} in / $${price.output.toFixed(2)} out per 1M tokens` : undefined;
}

/** Step 3 of the coding kinds: the status comment the handler created, throttled, carrying the job's marker. */
export function openStatusComment(ref: RepoStatusRef, allowCloseIssue?: number): (ctx: StatusContext) => StatusReporter {
  return ({ deps, job, gh, title, startedAt, secrets }) =>
    new StatusReporter((body) => gh.updateStatusComment(ref, body), {
      title,
      startedAt,
      marker: { key: job.key, job: job.id, kind: job.kind },
      minIntervalMs: deps.statusIntervalMs ?? 10_000,
      ...(deps.now ? { now: deps.now } : {}),
      secrets: () => secrets,
      ...(allowCloseIssue !== undefined ? { allowCloseIssue } : {}),
      onError: (error) => job.log.warn({ err: error }, "status comment update failed"),
    });
}

type End = { outcome: JobOutcome; message: string; hint?: string | undefined };

function phaseOf(outcome: JobOutcome): StatusUpdate["phase"] {
  return outcome === "no_changes" ? "no_changes" : outcome === "cancelled" ? "cancelled" : "failed";
}

export async function runInTaskFrame<S extends RunStatus, B>(
  deps: FrameDeps,
  job: JobContext,
  spec: FrameSpec<S, B>,
  body: (frame: TaskFrame<S>, before: B) => Promise<JobOutcome>,
): Promise<JobOutcome> {
  const skipped = spec.skip?.();
  if (skipped) return skipped;
  const now = deps.now ?? Date.now;
  const portFor = (scope: TokenScope): Promise<RepoGitHub> =>
    deps.github.forRepo(spec.installationId, scope, { owner: spec.owner, repo: spec.repo }, spec.budget ? { budget: spec.budget } : undefined);
  const configReader = await portFor(CONFIG_SCOPE);
  const repoId = spec.repoId ?? (await configReader.getRepositoryId());
  const gh = await portFor(spec.scope(repoId));
  const secrets: string[] = [];
  const reporter = spec.openStatus({ deps, job, gh, title: spec.title, startedAt: now(), secrets });
  const end = async ({ outcome, message, hint }: End): Promise<JobOutcome> => {
    await reporter.finish({ phase: phaseOf(outcome), message, ...(hint ? { hint } : {}) });
    return outcome;
  };

  try {
    // A kind without a precheck hands its body nothing (B is undefined for it).
    const checked: Precheck<B> = spec.precheck ? await spec.precheck(gh, repoId) : { go: undefined as B };
    if ("stop" in checked) return checked.stop;
    const config = await loadConfig(deps, job, configReader, spec);
    if ("error" in config) {
      if (spec.onConfigError === "skip") return "no_changes";
      await gh.reportConfigError(spec.number, config.error);
      return end({
        outcome: "failed",
        message: "The repository's `.github/agent.yml` is invalid; see the comment listing the problems.",
        hint: "Fix the file on the default branch, then trigger the agent again.",
      });
    }
    if (spec.ensureTriggerLabel) await deps.ensureTriggerLabel?.(gh, config.trigger.label);
    if (spec.model !== undefined) {
      // The payload sat in a queue: the operator may have narrowed the allowlist since.
      const choice = chooseRunModel(spec.model, deps.env);
      if (!choice.ok) return end({ outcome: "failed", message: choice.reason });
      config.model.name = choice.model;
    }
    const profile = resolveModelProfile({ env: deps.env, model: config.model, purpose: spec.modelPurpose });
    const price = describePrice(profile.price);
    reporter.always = { model: { name: profile.name, price } };
    const capped = await deps.spend.check(`${spec.owner}/${spec.repo}`, spec.installationId);
    if (capped && spec.onSpendCap === "stop") {
      job.report({ errorCode: "budget/daily-cap", errorMessage: capped });
      return end({ outcome: "budget_exhausted", message: capped });
    }
    return await body({ gh, portFor, reporter, config, repoId, secrets, capped, price, budget: spec.budget }, checked.go);
  } catch (error) {
    const ending = await endOfFailure(job, error, secrets, () => reporter.update({ phase: "working", currentStep: "retrying after a temporary error" }));
    return end(ending);
  }
}

/** The config, or the ConfigError that made it invalid (anything else is a failure of the run). */
async function loadConfig(
  deps: FrameDeps,
  job: JobContext,
  reader: RepoGitHub,
  spec: Pick<FrameSpec<RunStatus, unknown>, "onConfigError">,
): Promise<EffectiveConfig | { error: ConfigError }> {
  try {
    return applyOperatorCaps((await reader.loadConfig()).config, deps.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (spec.onConfigError === "skip") job.log.info({ issues: error.issues }, "run skipped: invalid repository config");
    else job.report(failureFacts(error));
    return { error };
  }
}

/** How a thrown error ends the run; a retryable one with attempts left is rethrown for the queue. */
async function endOfFailure(job: JobContext, error: unknown, secrets: readonly string[], sayRetrying: () => Promise<void>): Promise<End> {
  if (error instanceof RunStoppedError) {
    job.report(failureFacts(error, secrets));
    return { outcome: error.outcome, message: error.userMessage ?? error.message };
  }
  if (job.signal.aborted) return { outcome: "cancelled", message: "Stopped on request. Nothing was pushed.", hint: "Comment `/agent fix` to start again." };
  if (isAppError(error) && error.retryable && job.attempt < job.maxAttempts) {
    job.log.warn({ err: error, code: error.code }, "retryable failure; the queue will retry");
    await sayRetrying();
    throw error;
  }
  job.report(failureFacts(error, secrets));
  job.log.error({ err: error, code: isAppError(error) ? error.code : undefined }, "run failed");
  return { outcome: "failed", ...explainFailure(error, secrets) };
}
