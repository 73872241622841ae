/**
 * The agent contract. The agent works on a directory and a task; it imports nothing from Probot,
 * Octokit or git, so the app, the CLI and the tests drive it alike.
 */
import type { Sandbox } from "../sandbox/types.js";
import type { CompactionStrategy } from "../config/repo-config.js";

export type TaskKind = "resolve-issue" | "fix-pr" | "security-review" | "cli";

export interface AgentTask {
  kind: TaskKind;
  /** The user's request, already sanitized by the caller. */
  text: string;
  /** Image URLs to send as image inputs when the model has vision. */
  images?: string[];
}

export interface ModelSettings {
  name: string;
  wireApi: "responses" | "chat";
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
  vision?: boolean;
  contextWindow?: number;
  /** OPENAI_BASE_URL / OPENAI_API_KEY; passed in, never read from env here. */
  baseURL?: string;
  apiKey?: string;
  /** Extra prices (USD per 1M tokens) on top of the built-in table. */
  prices?: Record<string, { input: number; cachedInput?: number; output: number }>;
  /** Retries on 429/5xx/timeouts before a typed ModelError. */
  maxRetries?: number;
  /** For tests: inject fetch. */
  fetch?: typeof fetch;
  /** Stream responses (default true). Some compatible servers only do one or the other. */
  stream?: boolean;
  /** Per-request timeout in ms (default 10 minutes); a timeout is retried. */
  timeoutMs?: number;
  /** Backoff base and cap between retries (defaults 1000 and 30000 ms; tests set them tiny). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /**
   * Responses API only: offer `apply_patch` and `shell` as the native tool types (for models
   * trained on them, e.g. gpt-5.1 and later) instead of function tools. Same semantics.
   */
  nativeTools?: boolean;
}

export interface AgentLimits {
  maxTurns: number;
  maxMinutes: number;
  maxTokens: number;
  maxUsd: number;
}

export interface CompactionSettings {
  strategy: CompactionStrategy;
  /** Fraction of the context window at which history is compacted. */
  threshold: number;
}

export interface PlanStep {
  step: string;
  status: "pending" | "in_progress" | "completed";
}

export interface Usage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
}

/**
 * `completed`: the model gave its final answer and files changed. `no_changes`: it finished but
 * no file content differs from the start (content-hash snapshot, .git/ and node_modules/
 * excluded; callers may still check git). `budget_exhausted`: turns, minutes, tokens, USD or the
 * context window (`minimal` compaction) ran out; partial changes stay in the workspace.
 * `cancelled`: the signal fired. `failed`: the model could not be reached, the sandbox could not
 * start, or the model was stuck (empty replies, repeated failing calls); see `error.code`.
 */
export type AgentOutcome = "completed" | "no_changes" | "budget_exhausted" | "cancelled" | "failed";

export type AgentEvent =
  | { type: "turn_start"; turn: number }
  | { type: "model_text"; text: string }
  | { type: "tool_call"; name: string; callId: string; arguments: string }
  | { type: "tool_result"; name: string; callId: string; ok: boolean; output: string; durationMs: number }
  | { type: "plan_update"; plan: PlanStep[]; explanation?: string }
  | { type: "compaction"; strategy: CompactionStrategy; tokensBefore: number; tokensAfter: number }
  /** Cumulative for the run so far (summary requests of compaction included). */
  | { type: "usage"; usage: Usage; costUsd: number; turn: number }
  | { type: "steering"; message: string }
  | { type: "outcome"; outcome: AgentOutcome; summary: string };

export interface RunAgentInput {
  task: AgentTask;
  workspaceDir: string;
  sandbox: Sandbox;
  model: ModelSettings;
  limits: AgentLimits;
  compaction: CompactionSettings;
  /** Extra trusted instructions (e.g. base-branch AGENTS.md content, test command). */
  instructions?: string;
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
  /** Pulled once per turn: new user messages (steering) to append to the conversation. */
  takeMessages?: () => string[];
  /** Extra tools (e.g. the security review's `report_finding`). */
  extraTools?: AgentTool[];
  /** Restrict the tool set (e.g. read-only review: no apply_patch). */
  toolNames?: string[];
  /** When true the agent must not look for AGENTS.md in the workspace (caller passes base-branch ones). */
  skipRepoInstructions?: boolean;
}

export interface RunAgentResult {
  outcome: AgentOutcome;
  summary: string;
  prTitle: string;
  prBody: string;
  plan: PlanStep[];
  usage: Usage;
  costUsd: number;
  turns: number;
  /** Commands the agent ran that look like tests, with their exit codes (for the PR body). */
  testsRun: { command: string; exitCode: number | null }[];
  /**
   * Set when outcome is failed or budget_exhausted. `message` is for the operator (it may name the
   * model endpoint's host); `userMessage`, when set, is what a public comment may show.
   */
  error?: { code: string; message: string; userMessage?: string };
  /** Workspace-relative files whose content differs from the start of the run (.git/ and node_modules/ excluded). */
  changedFiles?: string[];
}

/** A tool result goes back to the model; `ok: false` is an expected failure, not a crash. */
export interface ToolResult {
  ok: boolean;
  output: string;
}

export interface AgentTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (function-tool form). */
  parameters: Record<string, unknown>;
  /** Mutating tools run one at a time; read-only ones may run in parallel. */
  mutating: boolean;
  handle(args: unknown, ctx: { workspaceDir: string; signal?: AbortSignal }): Promise<ToolResult>;
}
