/**
 * The schema of `.github/agent.yml` in a target repository. Every key has a default, so an absent
 * file means "all defaults". Unknown keys are rejected so a typo never silently does nothing.
 *
 * The file is written by anyone with write access to the repository, so `applyOperatorCaps`
 * clamps it to the operator's env settings: a repo may narrow them, never widen them.
 */
import { z } from "zod";
import { PERMISSION_LEVELS, SANDBOX_MODES, type Env, type PermissionLevel, type SandboxMode } from "./env.js";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const REVIEW_EVENTS = ["opened", "synchronize", "ready_for_review", "reopened"] as const;
export const COMPACTION_STRATEGIES = ["semantic", "aggressive", "minimal"] as const;
export type CompactionStrategy = (typeof COMPACTION_STRATEGIES)[number];

const hostPattern = /^(\*\.)?[a-z0-9.-]+(:\d+)?$/i;

export const repoConfigSchema = z
  .object({
    trigger: z
      .object({
        label: z.string().min(1).max(50).default("agent").describe("Label that turns an issue into a resolve-issue run."),
        commandPrefix: z
          .string()
          .regex(/^\/[a-z][a-z0-9-]*$/, "must look like /agent")
          .default("/agent")
          .describe("Prefix of slash commands in comments."),
        minPermission: z
          .enum(PERMISSION_LEVELS)
          .default("write")
          .describe("Lowest repository permission that may trigger a run (the operator's floor still applies)."),
        allowedBots: z
          .array(z.string().min(1))
          .max(50)
          .default([])
          .describe("Bot logins (e.g. `renovate[bot]`) allowed to trigger runs; all other bots are ignored."),
        removeLabel: z.boolean().default(true).describe("Remove the trigger label when a run starts, so toggling it cannot queue a pile of runs."),
      })
      .strict()
      .default({ label: "agent", commandPrefix: "/agent", minPermission: "write", allowedBots: [], removeLabel: true })
      .describe("Who and what starts a run."),
    model: z
      .object({
        name: z.string().min(1).optional().describe("Model name; empty means the operator's AGENT_MODEL."),
        wireApi: z
          .enum(["responses", "chat"])
          .optional()
          .describe("Wire API: OpenAI Responses (default) or Chat Completions (vLLM, Ollama, OpenRouter, Azure...)."),
        reasoningEffort: z.enum(["minimal", "low", "medium", "high"]).default("medium").describe("Reasoning effort for reasoning models."),
        vision: z.boolean().default(false).describe("Send images linked from the issue to the model."),
        contextWindow: z.number().int().min(4096).optional().describe("Context window in tokens; unknown models default to 128k."),
        nativeTools: z
          .boolean()
          .default(false)
          .describe("Responses API only: offer `apply_patch` and `shell` as native tool types (models trained on them) instead of function tools."),
      })
      .strict()
      .default({ reasoningEffort: "medium", vision: false, nativeTools: false })
      .describe("The model. The endpoint itself is the operator's (OPENAI_BASE_URL); a repo picks the model name."),
    sandbox: z
      .object({
        mode: z
          .enum(SANDBOX_MODES)
          .default("workspace-write")
          .describe("read-only, workspace-write or danger-full-access (the last only if the operator allows it)."),
        network: z
          .union([z.literal("off"), z.array(z.string().regex(hostPattern, "must be a host name")).max(50)])
          .default("off")
          .describe(
            '"off", or hosts that setup commands may reach (must be within the operator\'s allowlist; on the CLI only a request the person grants with --network).',
          ),
        setupCommands: z
          .array(z.string().min(1).max(2000))
          .max(20)
          .default([])
          .describe("Commands run once after cloning (e.g. `npm ci`), with `network` applied."),
        testCommand: z.string().max(2000).optional().describe("The repository's test command, reported in the PR and offered to the agent."),
        env: z
          .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an UPPER_CASE name"), z.string().max(4096))
          .default({})
          .describe("Non-secret environment variables for commands."),
      })
      .strict()
      .default({ mode: "workspace-write", network: "off", setupCommands: [], env: {} })
      .describe("Where the agent's commands run."),
    limits: z
      .object({
        maxTurns: z.number().int().positive().default(100).describe("Model turns per run (clamped to AGENT_MAX_TURNS)."),
        maxMinutes: z.number().positive().default(30).describe("Minutes per run (clamped to AGENT_MAX_MINUTES)."),
        maxTokens: z.number().int().positive().default(5_000_000).describe("Tokens per run (clamped to AGENT_MAX_TOKENS)."),
        maxUsd: z.number().positive().default(5).describe("Model spend per run in USD (clamped to AGENT_MAX_USD_PER_RUN)."),
      })
      .strict()
      .default({ maxTurns: 100, maxMinutes: 30, maxTokens: 5_000_000, maxUsd: 5 })
      .describe("Budgets per run; each is clamped to the operator's cap."),
    compaction: z
      .object({
        strategy: z.enum(COMPACTION_STRATEGIES).default("semantic").describe("How history is compacted: semantic (a model summary), aggressive or minimal."),
        threshold: z.number().gt(0.1).lt(1).default(0.8).describe("Fraction of the context window at which history is compacted."),
      })
      .strict()
      .default({ strategy: "semantic", threshold: 0.8 })
      .describe("Context compaction for long runs."),
    branch: z
      .object({
        prefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]*\/$/i, "must be like agent/")
          .default("agent/")
          .describe("Prefix of the branches the app pushes, ending in /."),
      })
      .strict()
      .default({ prefix: "agent/" })
      .describe("Branches the app pushes."),
    pullRequest: z
      .object({
        draft: z
          .boolean()
          .default(true)
          .describe(
            "Open pull requests as drafts, so a person marks them ready (workflows can skip drafts until then; see the README on approving workflow runs for the app's pull requests).",
          ),
        allowConfigChanges: z
          .boolean()
          .default(false)
          .describe("Allow the agent to change CI and agent configuration (.github/workflows, AGENTS.md, agent.yml)."),
        commitMethod: z
          .enum(["api", "git"])
          .default("api")
          .describe("How commits reach GitHub: `api` (Git Data API as the app; GitHub signs them, shown as Verified) or `git` (an unsigned git push)."),
      })
      .strict()
      .default({ draft: true, allowConfigChanges: false, commitMethod: "api" })
      .describe("Pull requests the app opens."),
    selfReview: z
      .object({
        enabled: z.boolean().default(true).describe("Review the agent's diff (deterministic secret, hidden-text and dependency checks) before pushing."),
        fixAt: z.enum(SEVERITIES).default("high").describe("Findings at or above this severity go back to the agent to fix."),
        maxRounds: z
          .number()
          .int()
          .min(0)
          .max(5)
          .default(2)
          .describe("Follow-up rounds at most (each counted in the run's budget); 0 only lists the findings."),
        modelReview: z.boolean().default(false).describe("Also run the read-only model review on the diff (spends model tokens; needs `review.modelReview`)."),
      })
      .strict()
      .default({ enabled: true, fixAt: "high", maxRounds: 2, modelReview: false })
      .describe("The app's security review of the agent's own change, before anything is pushed."),
    autofix: z
      .object({
        enabled: z.boolean().default(false).describe("Start a fix run when a check fails on the app's PR."),
        maxAttempts: z.number().int().min(1).max(10).default(2).describe("Autofix runs per pull request."),
      })
      .strict()
      .default({ enabled: false, maxAttempts: 2 })
      .describe("Start a fix-pr run when a check fails on a PR the app opened."),
    review: z
      .object({
        enabled: z.boolean().default(true).describe("Run the automated security review."),
        events: z
          .array(z.enum(REVIEW_EVENTS))
          .default([...REVIEW_EVENTS])
          .describe("Pull request actions that trigger the review."),
        includeDrafts: z.boolean().default(false).describe("Review draft pull requests too."),
        reviewOwnPullRequests: z.boolean().default(true).describe("Review the pull requests the app opened itself."),
        minSeverity: z.enum(SEVERITIES).default("low").describe("Findings below this severity are not posted."),
        requestChangesAt: z
          .enum([...SEVERITIES, "never"])
          .default("never")
          .describe('Submit REQUEST_CHANGES when a finding at or above this severity exists ("never" to always COMMENT).'),
        ignorePaths: z.array(z.string().min(1)).max(200).default([]).describe("Glob patterns of paths not reviewed."),
        secretScan: z.boolean().default(true).describe("The deterministic secret scan; turning it off needs AGENT_ALLOW_DISABLE_SECRET_SCAN."),
        modelReview: z.boolean().default(true).describe("Model review on top of the deterministic checks."),
        sarif: z.boolean().default(false).describe("Upload findings to code scanning as SARIF."),
      })
      .strict()
      .default({
        enabled: true,
        events: [...REVIEW_EVENTS],
        includeDrafts: false,
        reviewOwnPullRequests: true,
        minSeverity: "low",
        requestChangesAt: "never",
        ignorePaths: [],
        secretScan: true,
        modelReview: true,
        sarif: false,
      })
      .describe("Automated security review of pull requests."),
  })
  .strict();

export type RepoConfigInput = z.input<typeof repoConfigSchema>;
export type RepoConfig = z.output<typeof repoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = repoConfigSchema.parse({});

/** The config a run actually uses: the repo's file clamped to the operator's caps. */
export interface EffectiveConfig extends RepoConfig {
  model: RepoConfig["model"] & { name: string; wireApi: "responses" | "chat" };
  /** Notes about values the operator's caps changed, shown by `/agent help`. */
  clamped: string[];
}

const permissionRank = (p: PermissionLevel): number => PERMISSION_LEVELS.indexOf(p);

/** Narrow a repo config to the operator's env caps. Never widens. */
export function applyOperatorCaps(config: RepoConfig, env: Env): EffectiveConfig {
  const clamped: string[] = [];
  const out = structuredClone(config) as EffectiveConfig;
  out.model = { ...config.model, name: config.model.name ?? env.AGENT_MODEL, wireApi: config.model.wireApi ?? env.AGENT_WIRE_API };

  if (permissionRank(config.trigger.minPermission) < permissionRank(env.AGENT_MIN_TRIGGER_PERMISSION)) {
    clamped.push(`trigger.minPermission raised to the operator's floor "${env.AGENT_MIN_TRIGGER_PERMISSION}"`);
    out.trigger.minPermission = env.AGENT_MIN_TRIGGER_PERMISSION;
  }
  if (!env.AGENT_SANDBOX_MODES.includes(config.sandbox.mode)) {
    const fallback: SandboxMode = env.AGENT_SANDBOX_MODES.includes("workspace-write") ? "workspace-write" : "read-only";
    clamped.push(`sandbox.mode "${config.sandbox.mode}" is not allowed by the operator; using "${fallback}"`);
    out.sandbox.mode = fallback;
  }
  if (config.sandbox.network !== "off") {
    const allowed = config.sandbox.network.filter((host) => hostAllowed(host, env.AGENT_NETWORK_ALLOWLIST));
    const refused = config.sandbox.network.filter((host) => !allowed.includes(host));
    if (refused.length > 0) clamped.push(`sandbox.network hosts not in the operator's allowlist were dropped: ${refused.join(", ")}`);
    out.sandbox.network = allowed.length > 0 ? allowed : "off";
  }
  const cap = <K extends keyof RepoConfig["limits"]>(key: K, max: number | undefined) => {
    if (max !== undefined && config.limits[key] > max) {
      clamped.push(`limits.${key} lowered to the operator's cap ${max}`);
      out.limits[key] = max;
    }
  };
  cap("maxTurns", env.AGENT_MAX_TURNS);
  cap("maxMinutes", env.AGENT_MAX_MINUTES);
  cap("maxTokens", env.AGENT_MAX_TOKENS);
  cap("maxUsd", env.AGENT_MAX_USD_PER_RUN);
  if (!config.review.secretScan && !env.AGENT_ALLOW_DISABLE_SECRET_SCAN) {
    clamped.push("review.secretScan cannot be turned off on this installation");
    out.review.secretScan = true;
  }
  out.clamped = clamped;
  return out;
}

/** A repo's host is allowed if the operator lists it, or lists a wildcard that covers it. */
export function hostAllowed(host: string, allowlist: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowlist.some((entry) => {
    const e = entry.toLowerCase();
    if (e === h) return true;
    if (e.startsWith("*.")) return h.endsWith(e.slice(1)) && !h.startsWith("*.") ? true : h === e;
    return false;
  });
}
