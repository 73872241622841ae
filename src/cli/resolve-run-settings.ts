/**
 * Pure merge of the three sources of a CLI run's settings, lowest first: the environment, the
 * repository's `.github/agent.yml`, the command-line flags.
 *
 * On the CLI the operator is the person at the keyboard, so there are no operator caps, but
 * agent.yml is written by whoever wrote the repository (maybe a stranger whose project you
 * cloned), so it can only ask: it never turns on danger-full-access (only --sandbox can) and never
 * opens the network (only --network or a yes at the prompt can, see network-grant.ts). The
 * sandbox policy here is the agent's: always offline.
 */
import type { AgentLimits, CompactionSettings } from "../agent/types.js";
import { resolveModelProfile, type ModelProfile } from "../config/model-profile.js";
import type { RepoConfig } from "../config/repo-config.js";
import type { SandboxPolicy } from "../sandbox/types.js";
import type { CliEnv } from "./parse-cli-env.js";
import { UsageError, type RunOptions } from "./parse-cli-args.js";

export interface RunSettings {
  model: ModelProfile;
  limits: AgentLimits;
  compaction: CompactionSettings;
  sandbox: SandboxPolicy;
  /** agent.yml's setup commands (empty with --skip-setup) and the network they ask for. */
  setupCommands: string[];
  requestedNetwork: "off" | readonly string[];
  /** Trusted extra instructions for the agent (e.g. the repo's test command). */
  instructions: string | undefined;
  /** Things the user should know about how settings were resolved. */
  notes: string[];
  /** Whether the model has a price (built-in table, AGENT_MODEL_PRICES or --price): else cost is unknown. */
  priced: boolean;
}

export function resolveRunSettings(options: RunOptions, config: RepoConfig, env: CliEnv, workspaceDir: string): RunSettings {
  const notes: string[] = [];
  let mode = options.sandbox ?? config.sandbox.mode;
  if (options.sandbox === undefined && mode === "danger-full-access") {
    notes.push('agent.yml asks for sandbox.mode "danger-full-access"; using "workspace-write" (pass --sandbox danger-full-access to allow it)');
    mode = "workspace-write";
  }
  const model = resolveModelProfile({
    env,
    model: config.model,
    purpose: "run",
    override: { name: options.model, wireApi: options.wire, price: options.price },
  });
  const { name, priced } = model;
  if (options.maxUsd !== undefined && !priced) {
    throw new UsageError(
      `--max-usd needs a price for the model "${name}", and it has none: the run's cost could not be counted, so the limit would never stop it. Pass --price INPUT,OUTPUT (US dollars per million tokens, e.g. --price 1.25,10), or set AGENT_MODEL_PRICES.`,
      "run",
    );
  }
  if (!priced) notes.push(`the model "${name}" has no price: cost is shown as unknown and no dollar limit applies (pass --price INPUT,OUTPUT to set one)`);
  const limits: AgentLimits = {
    maxTurns: options.maxTurns ?? config.limits.maxTurns,
    maxMinutes: config.limits.maxMinutes,
    maxTokens: config.limits.maxTokens,
    maxUsd: options.maxUsd ?? config.limits.maxUsd,
  };
  const sandbox: SandboxPolicy = {
    mode,
    workspaceDir,
    network: "off",
    allowDangerFullAccess: options.sandbox === "danger-full-access",
    env: config.sandbox.env,
  };
  const instructions = config.sandbox.testCommand ? `The repository's test command is: ${config.sandbox.testCommand}` : undefined;
  return {
    model,
    limits,
    compaction: { strategy: options.compaction ?? config.compaction.strategy, threshold: config.compaction.threshold },
    sandbox,
    setupCommands: options.skipSetup ? [] : [...config.sandbox.setupCommands],
    requestedNetwork: config.sandbox.network,
    instructions,
    notes,
    priced,
  };
}
