/**
 * The frame around every GitHub task: get the installation's Octokit, take over the status comment
 * the handler created, load the repo config (default branch), apply the spend caps, run the body,
 * and turn any failure into the final status comment. The single catch-all of a run.
 */
import { loadRepoConfig } from "../config/load-repo-config.js";
import { applyOperatorCaps, type EffectiveConfig } from "../config/repo-config.js";
import { chooseRunModel } from "../config/run-model.js";
import { resolveModelProfile } from "../config/model-profile.js";
import type { ModelPrice } from "../config/model-prices.js";
import { CONFIG_SCOPE, type GitHubClient } from "../github/client.js";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { reportConfigError } from "../github/report-config-error.js";
import { StatusReporter, type StatusTarget } from "../github/status-comment.js";
import type { JobContext, JobOutcome } from "../jobs/types.js";
import { ConfigError, isAppError } from "../shared/errors.js";
import { failureFacts } from "../jobs/job-report.js";
import { explainFailure, RunStoppedError } from "./explain-failure.js";
import type { StatusRef } from "./job-payloads.js";
import type { TaskDeps } from "./task-deps.js";

export interface TaskFrame {
  octokit: GitHubClient;
  reporter: StatusReporter;
  config: EffectiveConfig;
  startedAt: number;
  title: string;
  /** Literal secrets of this run (the installation token once minted), redacted everywhere. */
  secrets: string[];
}

export interface FrameParams {
  installationId: number;
  owner: string;
  repo: string;
  /** The repository's id: every token of the run is limited to it. */
  repoId: number;
  /** The issue or PR the conversation is on (config errors are reported there). */
  number: number;
  status: StatusRef;
  title: string;
  allowCloseIssue?: number;
  /** A model picked for this run (`--model`, `agent:NAME`); checked against the allowlist again here. */
  model?: string | undefined;
}

export function describePrice(price: ModelPrice | undefined): string | undefined {
  return price ? `$${price.input.toFixed(2)} in / $${price.output.toFixed(2)} out per 1M tokens` : undefined;
}

function statusTarget(p: FrameParams): StatusTarget {
  return p.status.type === "issue"
    ? { type: "issue", owner: p.owner, repo: p.repo, number: p.status.number }
    : { type: "review-thread", owner: p.owner, repo: p.repo, pullNumber: p.status.pullNumber, inReplyTo: p.status.inReplyTo };
}

export async function runInTaskFrame(deps: TaskDeps, job: JobContext, p: FrameParams, body: (frame: TaskFrame) => Promise<JobOutcome>): Promise<JobOutcome> {
  const now = deps.now ?? Date.now;
  const octokit = await deps.github.forInstallation(p.installationId, TOKEN_SCOPES.agentRun(p.repoId));
  const secrets: string[] = [];
  const reporter = new StatusReporter(
    octokit,
    { target: statusTarget(p), commentId: p.status.commentId },
    {
      marker: { key: job.key, job: job.id, kind: job.kind },
      minIntervalMs: deps.statusIntervalMs ?? 10_000,
      now,
      secrets: () => secrets,
      ...(p.allowCloseIssue !== undefined ? { allowCloseIssue: p.allowCloseIssue } : {}),
      onError: (error) => job.log.warn({ err: error }, "status comment update failed"),
    },
  );
  const startedAt = now();
  const fail = async (message: string, hint?: string, outcome: JobOutcome = "failed"): Promise<JobOutcome> => {
    await reporter.finish({
      title: p.title,
      phase: outcome === "no_changes" ? "no_changes" : outcome === "cancelled" ? "cancelled" : "failed",
      startedAt,
      message,
      ...(hint ? { hint } : {}),
    });
    return outcome;
  };

  let config: EffectiveConfig;
  try {
    const configReader = await deps.github.forInstallation(p.installationId, CONFIG_SCOPE);
    config = applyOperatorCaps((await loadRepoConfig(configReader, { owner: p.owner, repo: p.repo })).config, deps.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    job.report(failureFacts(error));
    await reportConfigError(octokit, { owner: p.owner, repo: p.repo, issueNumber: p.number, error });
    return fail(
      "The repository's `.github/agent.yml` is invalid; see the comment listing the problems.",
      "Fix the file on the default branch, then trigger the agent again.",
    );
  }
  await deps.ensureTriggerLabel?.(octokit, { owner: p.owner, repo: p.repo, name: config.trigger.label });
  if (p.model !== undefined) {
    // The payload sat in a queue: the operator may have narrowed the allowlist since.
    const choice = chooseRunModel(p.model, deps.env);
    if (!choice.ok) return fail(choice.reason);
    config.model.name = choice.model;
  }
  const model = resolveModelProfile({ env: deps.env, model: config.model, purpose: "run" });
  reporter.always = { model: { name: model.name, price: describePrice(model.price) } };
  const capped = await deps.spend.check(`${p.owner}/${p.repo}`, p.installationId);
  if (capped) {
    job.report({ errorCode: "budget/daily-cap", errorMessage: capped });
    return fail(capped, undefined, "budget_exhausted");
  }

  try {
    return await body({ octokit, reporter, config, startedAt, title: p.title, secrets });
  } catch (error) {
    if (error instanceof RunStoppedError) {
      job.report(failureFacts(error, secrets));
      return fail(error.userMessage ?? error.message, undefined, error.outcome);
    }
    if (job.signal.aborted) return fail("Stopped on request. Nothing was pushed.", "Comment `/agent fix` to start again.", "cancelled");
    if (isAppError(error) && error.retryable && job.attempt < job.maxAttempts) {
      job.log.warn({ err: error, code: error.code }, "retryable failure; the queue will retry");
      await reporter.update({ title: p.title, phase: "working", startedAt, currentStep: "retrying after a temporary error" });
      throw error;
    }
    job.report(failureFacts(error, secrets));
    job.log.error({ err: error, code: isAppError(error) ? error.code : undefined }, "run failed");
    const { message, hint } = explainFailure(error, secrets);
    return fail(message, hint);
  }
}
