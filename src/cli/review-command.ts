/**
 * `issue-agent review`: the app's security review on the local branch. The deterministic checks
 * (secrets, hidden Unicode, dependencies) always run; the model review runs when a model is
 * reachable with the settings given, and is skipped with a note otherwise (or with --no-model).
 */
import path from "node:path";
import type { AgentLimits, CompactionSettings, ModelSettings } from "../agent/types.js";
import { resolveModelProfile } from "../config/model-profile.js";
import type { RepoConfig } from "../config/repo-config.js";
import { atLeast, type ReviewResult } from "../review/types.js";
import { ConfigError } from "../shared/errors.js";
import type { CliIo } from "./cli-io.js";
import { describeFailure } from "./describe-failure.js";
import { EXIT } from "./exit-codes.js";
import { findGitRoot, isDirectory } from "./find-git-root.js";
import { formatReviewReport } from "./format-review-report.js";
import { formatSarif, sarifOptionsForCheckout } from "../review/format-sarif.js";
import { loadLocalConfig } from "./load-local-config.js";
import type { HeadInfo, LocalGit } from "./local-git.js";
import { UsageError, type ReviewOptions } from "./parse-cli-args.js";
import { apiKeyFor, parseCliEnv } from "./parse-cli-env.js";
import { startSpinner } from "./spinner.js";

export interface LocalReviewInput {
  /** Unified diff of the branch (and working tree) against the base. */
  diff: string;
  workspaceDir: string;
  /** Undefined: deterministic checks only. */
  model: ModelSettings | undefined;
  /** Why there is no model, for the report's coverage line. */
  noModelReason: string;
  limits: AgentLimits;
  compaction: CompactionSettings;
  config: RepoConfig["review"];
  osvApiUrl: string;
  signal?: AbortSignal;
}

export interface ReviewDeps {
  git: LocalGit;
  review(input: LocalReviewInput): Promise<ReviewResult>;
}

export const DEFAULT_BASES = ["main", "master", "origin/main", "origin/master"] as const;

export async function runReviewCommand(options: ReviewOptions, io: CliIo, deps: ReviewDeps): Promise<number> {
  const warn = (s: string) => io.stderr.write(`issue-agent: ${s}\n`);
  let input: LocalReviewInput;
  let base: string;
  let head: HeadInfo = { commit: null, branch: null, remoteUrl: null };
  try {
    const repoDir = path.resolve(io.cwd, options.repo);
    if (!isDirectory(repoDir)) throw new UsageError(`${repoDir} does not exist or is not a directory`, "review");
    const root = findGitRoot(repoDir);
    if (!root) throw new UsageError(`${repoDir} is not a git repository (no .git in it or any parent)`, "review");
    const env = parseCliEnv(io.env);
    const { config } = await loadLocalConfig(root);
    const found = await deps.git.resolveFirstRef(root, options.base ? [options.base] : DEFAULT_BASES);
    if (!found)
      throw new UsageError(
        options.base
          ? `--base "${options.base}" is not a branch, tag or commit here`
          : `no base branch found (tried ${DEFAULT_BASES.join(", ")}): pass --base REF`,
        "review",
      );
    base = found;
    let model: ModelSettings | undefined;
    let noModelReason = "--no-model was given; only the deterministic checks ran.";
    if (options.noModel || !config.review.modelReview) {
      model = undefined;
    } else if (apiKeyFor(env) === undefined) {
      noModelReason = "OPENAI_API_KEY is not set; only the deterministic checks ran.";
      warn("OPENAI_API_KEY is not set: running the deterministic checks only (secrets, hidden text, dependencies). Pass --no-model to silence this.");
    } else {
      model = resolveModelProfile({ env, model: config.model, purpose: "review", override: { name: options.model, wireApi: options.wire } });
    }
    // The secret scan stays on: agent.yml comes with the code under review and must not blind it.
    const reviewConfig = { ...config.review, secretScan: true };
    const diff = await deps.git.diffAgainst(root, base);
    if (options.format === "sarif") head = await deps.git.describeHead(root);
    input = {
      diff,
      workspaceDir: root,
      model,
      noModelReason,
      limits: config.limits,
      compaction: config.compaction,
      config: reviewConfig,
      osvApiUrl: env.OSV_API_URL,
      ...(io.signal ? { signal: io.signal } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      warn(error.message);
      return EXIT.usage;
    }
    throw error;
  }

  let result: ReviewResult;
  const spinner = startSpinner(io.stderr, input.model ? `reviewing the diff against ${base} with ${input.model.name}` : `checking the diff against ${base}`);
  try {
    result = await deps.review(input);
  } catch (error) {
    spinner.stop();
    warn(describeFailure(error, { baseURL: input.model?.baseURL, apiKey: input.model?.apiKey }));
    return EXIT.failed;
  }
  spinner.stop();
  if (options.format === "sarif") io.stdout.write(formatSarif(result, sarifOptionsForCheckout(head)));
  else if (options.format === "json") io.stdout.write(`${JSON.stringify({ type: "review", base, ...result })}\n`);
  else io.stdout.write(formatReviewReport(result, base));
  return failOnExitCode(result, options.failOn, warn);
}

/** `--fail-on SEVERITY`: EXIT.findings when any finding is at or above it, so CI can gate on the review. */
export function failOnExitCode(result: ReviewResult, failOn: ReviewOptions["failOn"], warn: (s: string) => void): number {
  if (!failOn) return EXIT.ok;
  const hits = [...result.findings, ...result.unanchored].filter((f) => atLeast(f.severity, failOn));
  if (hits.length === 0) return EXIT.ok;
  warn(`${hits.length} finding${hits.length === 1 ? "" : "s"} at or above --fail-on ${failOn}: exit ${EXIT.findings}`);
  return EXIT.findings;
}
