/**
 * Every environment variable the app reads, parsed once at start-up. Nothing else in the app
 * reads `process.env`; the parsed `Env` is passed down explicitly.
 *
 * Operator-only settings (model endpoint, sandbox modes, network allowlist, trigger permission
 * floor, spend caps, secret-scan override) live here and never in a repository: a repo's
 * `.github/agent.yml` may narrow them, never widen them.
 */
import { parseModelPrices, type ModelPrices } from "./model-prices.js";
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../shared/errors.js";

export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const PERMISSION_LEVELS = ["read", "triage", "write", "maintain", "admin"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const bool = (defaultValue: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", ""], { error: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined || v === "" ? defaultValue : ["true", "1", "yes"].includes(v)));

const int = (defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return defaultValue;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const positiveNumber = (defaultValue: number | undefined) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return defaultValue;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: `must be a positive number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const list = <T extends string>(item: z.ZodType<T>, defaultValue: T[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return defaultValue;
      const out: T[] = [];
      for (const raw of v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        const parsed = item.safeParse(raw);
        if (!parsed.success) {
          ctx.addIssue({ code: "custom", message: `"${raw}" is not allowed: ${parsed.error.issues[0]?.message ?? "invalid"}` });
          return z.NEVER;
        }
        out.push(parsed.data);
      }
      return out;
    });

const url = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
      return v.replace(/\/+$/, "");
    } catch {
      ctx.addIssue({ code: "custom", message: `must be an http(s) URL, got "${v}"` });
      return z.NEVER;
    }
  });

const hostname = z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i, "must be a host name such as registry.npmjs.org or *.example.com");

export const envSchema = z.object({
  // GitHub App credentials (Probot's own variable names).
  APP_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be the numeric App ID").optional()),
  PRIVATE_KEY: optionalString,
  PRIVATE_KEY_PATH: optionalString,
  WEBHOOK_SECRET: optionalString,
  WEBHOOK_PATH: z
    .string()
    .regex(/^\/[\w./-]*$/, "must be a path starting with /, e.g. /api/github/webhooks")
    .default("/api/github/webhooks"),
  /** A smee.io (or compatible) channel that forwards webhooks to this process during development. */
  WEBHOOK_PROXY_URL: url,
  // Probot treats 0 as "unset" and listens on 3000, so an ephemeral port cannot be asked for.
  PORT: int(3000, 1, 65535),
  HOST: optionalString,
  /** Behind a reverse proxy: take the client address from the last X-Forwarded-For entry (webhook limits). */
  AGENT_TRUST_PROXY: bool(false),
  /** Webhook requests failing the signature check, per client address per minute, before that address gets 429. */
  AGENT_WEBHOOK_FAILURES_PER_ADDRESS: int(10, 1),
  /** Failing webhook requests per minute from everyone before addresses not recently seen with a valid signature get 429. */
  AGENT_WEBHOOK_FAILURES_GLOBAL: int(100, 1),
  /** Memory for webhook bodies being read at once, before their signature is known (MiB; at least the 25 MiB body cap). */
  AGENT_WEBHOOK_MAX_INFLIGHT_MB: int(64, 25, 4096),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"], { error: "must be one of trace, debug, info, warn, error, fatal, silent" })
    .default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).default("json"),
  GHE_HOST: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?$/i, "must be a host name without scheme, e.g. github.example.com")
      .optional(),
  ),
  GHE_PROTOCOL: z.enum(["https", "http"], { error: "must be https or http" }).default("https"),
  /** Override for the bot's slug (`<slug>[bot]`); normally learnt from GitHub (`GET /app`) at start-up. */
  APP_SLUG: optionalString,
  /** The app's public base URL (https://agent.example.com); setup mode registers `<it><WEBHOOK_PATH>` as the webhook URL. */
  AGENT_PUBLIC_URL: url,
  /** Setup mode: the GitHub App name to register (names are global on GitHub); default app.yml's name plus a random suffix. */
  AGENT_APP_NAME: optionalString,

  // The model endpoint (the openai SDK's own variables).
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url,
  AGENT_MODEL: z.string().min(1).default("gpt-5-codex"),
  AGENT_REVIEW_MODEL: optionalString,
  /** Models a run may pick with `/agent fix --model NAME` or the label `<trigger>:NAME`; empty: per-run models are off. */
  AGENT_ALLOWED_MODELS: list(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "must be a model name"), []),
  AGENT_WIRE_API: z.enum(["responses", "chat"], { error: "must be responses or chat" }).default("responses"),
  /** JSON object extending the built-in price table: {"model": {"input": 1.25, "cachedInput": 0.125, "output": 10}} (USD per million tokens). */
  AGENT_MODEL_PRICES: optionalString,

  // Storage and queue.
  AGENT_DATA_DIR: z
    .string()
    .default("./.data")
    .transform((v) => path.resolve(v)),
  /** Days a run's JSON Lines transcript is kept under AGENT_DATA_DIR/transcripts; 0 writes none. */
  AGENT_TRANSCRIPT_RETENTION_DAYS: int(14, 0, 3650),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional(),
  ),
  AGENT_CONCURRENCY: int(2, 1, 64),
  AGENT_JOB_MAX_ATTEMPTS: int(2, 1, 10),
  AGENT_SHUTDOWN_GRACE_SECONDS: int(30, 0, 3600),
  /** `npm run worker` serves GET /metrics and /healthz on this port when set. */
  AGENT_WORKER_METRICS_PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, "must be a port number")
      .transform(Number)
      .optional(),
  ),

  // Operator caps: a repository may narrow these, never widen them.
  AGENT_SANDBOX_MODES: list(z.enum(SANDBOX_MODES), ["read-only", "workspace-write"]),
  AGENT_NETWORK_ALLOWLIST: list(hostname, []),
  AGENT_MIN_TRIGGER_PERMISSION: z.enum(PERMISSION_LEVELS, { error: `must be one of ${PERMISSION_LEVELS.join(", ")}` }).default("write"),
  AGENT_MAX_TURNS: int(200, 1),
  AGENT_MAX_MINUTES: int(60, 1),
  AGENT_MAX_TOKENS: int(20_000_000, 1000),
  AGENT_MAX_USD_PER_RUN: positiveNumber(10),
  AGENT_MAX_USD_PER_REPO_PER_DAY: positiveNumber(50),
  AGENT_MAX_USD_PER_INSTALLATION_PER_DAY: positiveNumber(200),
  AGENT_ALLOW_DISABLE_SECRET_SCAN: bool(false),
  AGENT_MAX_REPO_MB: int(1024, 1),
  AGENT_CLONE_DEPTH: int(1, 0),
  // What a checkout may expand to, checked before anything is written (and after the run).
  AGENT_MAX_TREE_FILES: int(200_000, 1),
  AGENT_MAX_TREE_MB: int(4096, 1),
  AGENT_MAX_BLOB_MB: int(100, 1),
  AGENT_MAX_COMMIT_FILE_MB: int(5, 1),
  // Repository object cache under AGENT_DATA_DIR/repo-cache; 0 turns it off.
  AGENT_REPO_CACHE_MB: int(2048, 0),
  AGENT_NATIVE_GIT: bool(true),
  // The per-job workspace worker process.
  AGENT_WORKSPACE_MEMORY_MB: int(1024, 128),
  AGENT_WORKSPACE_TIMEOUT_MINUTES: int(30, 1),
  AGENT_TRIGGERS_PER_USER_PER_HOUR: int(20, 1),
  AGENT_TRIGGERS_PER_REPO_PER_HOUR: int(60, 1),

  /** Enables the status page (`GET /`, `GET /api/runs`); requests must present it. Unset: both are 404. */
  AGENT_DASHBOARD_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 24)").optional()),

  // Security review.
  /** Pull requests changing more files are not reviewed automatically (a short note instead). */
  AGENT_REVIEW_MAX_FILES: int(300, 1, 3000),
  /** Automatic security reviews per PR author and per repository per hour (like the trigger limits). */
  AGENT_REVIEWS_PER_AUTHOR_PER_HOUR: int(20, 1),
  AGENT_REVIEWS_PER_REPO_PER_HOUR: int(60, 1),
  /** When an installation's remaining REST quota is below this, automatic work (reviews, autofix) pauses. */
  AGENT_GITHUB_QUOTA_RESERVE: int(1000, 0),
  OSV_API_URL: url.transform((v) => v ?? "https://api.osv.dev"),
  AGENT_METRICS: bool(true),
});

export type EnvInput = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;
export type Env = ParsedEnv & {
  /** The PEM, whether given inline (PRIVATE_KEY, `\n` escapes allowed) or by PRIVATE_KEY_PATH. */
  privateKey: string | undefined;
  /** AGENT_MODEL_PRICES, parsed and validated (undefined: only the built-in table). */
  modelPrices: ModelPrices | undefined;
  /** GitHub REST base URL: https://api.github.com, or `<proto>://<GHE_HOST>/api/v3`. */
  githubApiUrl: string;
  /** GitHub's web address for links: https://github.com, or `<proto>://<GHE_HOST>`. */
  githubWebUrl: string;
  /** True when APP_ID is set: the app serves webhooks rather than the setup flow. */
  hasCredentials: boolean;
};

/**
 * PRIVATE_KEY as Probot accepts it: the PEM itself, the PEM with `\n` escapes (one-line .env
 * files, and what Probot's manifest flow writes), or the PEM base64-encoded.
 */
function decodePrivateKey(value: string): string {
  const unescaped = value.replace(/\\n/g, "\n");
  if (unescaped.includes("-----BEGIN")) return unescaped;
  const decoded = Buffer.from(value.trim(), "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : unescaped;
}

/** A key Node can load: a truncated or mangled PEM fails here rather than at the first webhook. */
function isPemPrivateKey(pem: string): boolean {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return false;
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** Turn zod issues into `VAR: what is wrong` lines. */
function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.join(".") || "(environment)";
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return `${key}: ${message}`;
  });
}

/**
 * Parse and validate the environment. Throws one ConfigError listing every problem; its message is
 * a single line suitable for printing before exit.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  const issues = result.success ? [] : formatIssues(result.error);
  let privateKey: string | undefined;
  let modelPrices: ModelPrices | undefined;
  if (result.success) {
    const env = result.data;
    if (env.PRIVATE_KEY) privateKey = decodePrivateKey(env.PRIVATE_KEY);
    else if (env.PRIVATE_KEY_PATH) {
      try {
        privateKey = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
      } catch (error) {
        issues.push(`PRIVATE_KEY_PATH: cannot read "${env.PRIVATE_KEY_PATH}" (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
    }
    if (privateKey !== undefined && !isPemPrivateKey(privateKey)) {
      issues.push(`${env.PRIVATE_KEY ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH"}: is not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----")`);
    }
    if (env.APP_ID) {
      if (!privateKey && !issues.some((i) => i.startsWith("PRIVATE_KEY"))) issues.push("PRIVATE_KEY: is required when APP_ID is set (or set PRIVATE_KEY_PATH)");
      // Probot would otherwise accept webhooks signed with its public default secret "development".
      if (!env.WEBHOOK_SECRET) issues.push("WEBHOOK_SECRET: is required when APP_ID is set");
    }
    if (env.AGENT_MODEL_PRICES) {
      const prices = parseModelPrices(env.AGENT_MODEL_PRICES);
      if (prices.ok) modelPrices = prices.prices;
      else issues.push(...prices.issues);
    }
  }
  if (!result.success || issues.length > 0) {
    throw new ConfigError("config/invalid-env", `Invalid environment: ${issues.join("; ")}`, issues);
  }
  const env = result.data;
  const githubApiUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
  const githubWebUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}` : "https://github.com";
  return { ...env, privateKey, modelPrices, githubApiUrl, githubWebUrl, hasCredentials: Boolean(env.APP_ID) };
}

/** Values the logger must never print, whatever the log line. */
export function secretValuesOf(env: Env): string[] {
  return [env.privateKey, env.WEBHOOK_SECRET, env.OPENAI_API_KEY, env.AGENT_DASHBOARD_TOKEN].filter((v): v is string => Boolean(v));
}
