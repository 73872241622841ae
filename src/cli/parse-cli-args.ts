/**
 * Pure argv -> command parsing on node:util parseArgs. Anything wrong with the command line is a
 * UsageError (exit code 2) whose message says what to type instead.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SANDBOX_MODES, type SandboxMode } from "../config/env.js";
import { COMPACTION_STRATEGIES, SEVERITIES, type CompactionStrategy, type Severity } from "../config/repo-config.js";

export class UsageError extends Error {
  readonly code = "cli/usage" as const;
  /** Which command's help to point at. */
  readonly command: "run" | "review" | undefined;
  constructor(message: string, command?: "run" | "review") {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

export interface RunOptions {
  /** The task text, or undefined when it comes from --task-file. */
  task: string | undefined;
  taskFile: string | undefined;
  repo: string;
  model: string | undefined;
  wire: "responses" | "chat" | undefined;
  sandbox: SandboxMode | undefined;
  maxTurns: number | undefined;
  maxUsd: number | undefined;
  /** `--price IN,OUT[,CACHED]`: USD per million tokens for the model of this run. */
  price: { input: number; output: number; cachedInput?: number } | undefined;
  compaction: CompactionStrategy | undefined;
  json: boolean;
  branch: string | undefined;
  commit: boolean;
  /** --network: the hosts the person grants to the repository's setup commands ([] for "off"). */
  network: string[] | undefined;
  /** --skip-setup: do not run agent.yml's setup commands. */
  skipSetup: boolean;
  /** Write the run transcript as JSON Lines to this file (the same entries the app keeps). */
  transcript: string | undefined;
}

export interface ReviewOptions {
  base: string | undefined;
  repo: string;
  model: string | undefined;
  wire: "responses" | "chat" | undefined;
  /** Deterministic checks only: no model call, no key needed. */
  noModel: boolean;
  format: "text" | "json" | "sarif";
  /** Exit with EXIT.findings when a finding is at or above this severity (CI gates). */
  failOn: Severity | undefined;
}

export type CliCommand =
  | { kind: "help"; topic: "run" | "review" | undefined }
  | { kind: "version" }
  | { kind: "run"; options: RunOptions }
  | { kind: "review"; options: ReviewOptions };

const common = {
  help: { type: "boolean", short: "h" },
  repo: { type: "string", short: "C" },
  model: { type: "string", short: "m" },
  wire: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const runFlags = {
  ...common,
  sandbox: { type: "string", short: "s" },
  "max-turns": { type: "string" },
  "max-usd": { type: "string" },
  price: { type: "string" },
  compaction: { type: "string" },
  json: { type: "boolean" },
  branch: { type: "string", short: "b" },
  commit: { type: "boolean" },
  "task-file": { type: "string", short: "f" },
  network: { type: "string" },
  "skip-setup": { type: "boolean" },
  transcript: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const reviewFlags = {
  ...common,
  base: { type: "string" },
  json: { type: "boolean" },
  sarif: { type: "boolean" },
  "no-model": { type: "boolean" },
  "fail-on": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

function parseWith<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, command: "run" | "review") {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs errors are already phrased for people ("Unknown option '--x'"); keep the text.
    throw new UsageError((error as Error).message, command);
  }
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, command: "run" | "review"): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got "${value}"`, command);
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a whole number of at least 1, got "${value}"`, "run");
  return n;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, got "${value}"`, "run");
  return n;
}

/** `--price 1.25,10` or `--price 1.25,10,0.125`: input, output and cached input, USD per million tokens. */
function parsePrice(value: string | undefined): RunOptions["price"] {
  if (value === undefined) return undefined;
  const parts = value.split(",").map((p) => Number(p.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new UsageError(`--price must be INPUT,OUTPUT[,CACHED_INPUT] in US dollars per million tokens, e.g. 1.25,10; got "${value}"`, "run");
  }
  const [input = 0, output = 0, cachedInput] = parts;
  return { input, output, ...(cachedInput !== undefined ? { cachedInput } : {}) };
}

const HOST = /^(\*\.)?[a-z0-9.-]+(:\d+)?$/i;

/** `--network a.example.com,*.npmjs.org:443` or `--network off`. */
function networkHosts(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "off") return [];
  const hosts = value
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const bad = hosts.find((h) => !HOST.test(h));
  if (hosts.length === 0 || bad !== undefined)
    throw new UsageError(`--network takes host names separated by commas (e.g. registry.npmjs.org,*.pypi.org) or "off", got "${bad ?? value}"`, "run");
  return hosts;
}

function parseRun(argv: string[]): CliCommand {
  const { values, positionals } = parseWith(argv, runFlags, "run");
  if (values.help) return { kind: "help", topic: "run" };
  if (positionals.length > 1) throw new UsageError(`run takes one task argument; quote it ("fix the failing test"), got ${positionals.length}`, "run");
  const task = positionals[0];
  const taskFile = values["task-file"];
  if (task !== undefined && taskFile !== undefined) throw new UsageError("give the task either as an argument or with --task-file, not both", "run");
  if (task === undefined && taskFile === undefined) throw new UsageError('run needs a task: issue-agent run "fix the failing test"', "run");
  if (task !== undefined && task.trim() === "") throw new UsageError("the task is empty", "run");
  if (values.commit && !values.branch) throw new UsageError("--commit needs --branch NAME (the agent never commits to the branch you are on)", "run");
  if (values.branch && !values.commit) throw new UsageError("--branch needs --commit (without it the changes stay in the working tree)", "run");
  return {
    kind: "run",
    options: {
      task,
      taskFile,
      repo: values.repo ?? ".",
      model: values.model,
      wire: oneOf(values.wire, ["responses", "chat"] as const, "wire", "run"),
      sandbox: oneOf(values.sandbox, SANDBOX_MODES, "sandbox", "run"),
      maxTurns: positiveInt(values["max-turns"], "max-turns"),
      maxUsd: positiveNumber(values["max-usd"], "max-usd"),
      price: parsePrice(values.price),
      compaction: oneOf(values.compaction, COMPACTION_STRATEGIES, "compaction", "run"),
      json: values.json ?? false,
      branch: values.branch,
      commit: values.commit ?? false,
      network: networkHosts(values.network),
      skipSetup: values["skip-setup"] ?? false,
      transcript: values.transcript,
    },
  };
}

function parseReview(argv: string[]): CliCommand {
  const { values, positionals } = parseWith(argv, reviewFlags, "review");
  if (values.help) return { kind: "help", topic: "review" };
  if (positionals.length > 0) throw new UsageError(`review takes no arguments (use --base REF), got "${positionals[0]}"`, "review");
  if (values.json && values.sarif) throw new UsageError("choose one of --json and --sarif", "review");
  return {
    kind: "review",
    options: {
      base: values.base,
      repo: values.repo ?? ".",
      model: values.model,
      wire: oneOf(values.wire, ["responses", "chat"] as const, "wire", "review"),
      noModel: values["no-model"] ?? false,
      format: values.sarif ? "sarif" : values.json ? "json" : "text",
      failOn: oneOf(values["fail-on"], SEVERITIES, "fail-on", "review"),
    },
  };
}

/** Parse the arguments after `issue-agent`. Throws UsageError. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" && (rest[0] === "run" || rest[0] === "review") ? rest[0] : undefined;
    return { kind: "help", topic };
  }
  if (first === "--version" || first === "-V" || first === "version") return { kind: "version" };
  if (first === "run") return parseRun(rest);
  if (first === "review") return parseReview(rest);
  throw new UsageError(first.startsWith("-") ? `unknown option "${first}" before the command` : `unknown command "${first}"; the commands are run and review`);
}
