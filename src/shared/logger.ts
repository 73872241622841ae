/**
 * The app's pino logger, shaped like Probot's own (`@probot/pino` formatting, same levels) but with
 * two layers of secret redaction, because a token or key in a log line is a leak:
 *
 * 1. pino `redact` paths blank fields that hold credentials by name (`privateKey`, `authorization`...).
 * 2. A `streamWrite` hook runs `redactSecrets` over every string of every finished line, so secrets
 *    are caught wherever they hide: the message, nested objects, serialized errors and stack traces,
 *    Octokit request dumps. It knows both installation-token formats and the operator's own values.
 */
import { Writable } from "node:stream";
import pino, { type DestinationStream, type Logger } from "pino";
import { getTransformStream } from "@probot/pino";
import { redactSecrets, REDACTED } from "./redact.js";

export type { Logger };

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface CreateLoggerOptions {
  level: LogLevel;
  /** `pretty` is Probot's human format; `json` is one object per line for log shippers. */
  format: "json" | "pretty";
  /** Literal values that must never be printed (private key, webhook secret, API keys). */
  secrets: readonly string[];
  /** Where lines go; stdout by default. Tests pass a collecting stream. */
  destination?: NodeJS.WritableStream;
}

/** Fields that hold credentials by name, in the shapes Probot, Octokit and pino-http log them. */
export const REDACT_PATHS: readonly string[] = [
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "PRIVATE_KEY",
  "*.PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "*.WEBHOOK_SECRET",
  "OPENAI_API_KEY",
  "*.OPENAI_API_KEY",
  "headers.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
];

/**
 * Redact one serialized log line. Lines are JSON, so the strings are redacted after parsing
 * (escaped newlines in a PEM, quotes in a secret) and the line is re-serialized; anything that is
 * not JSON is redacted as plain text.
 */
export function redactLogLine(line: string, secrets: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redactSecrets(line, secrets);
  }
  const newline = line.endsWith("\n") ? "\n" : "";
  return JSON.stringify(redactValue(parsed, secrets)) + newline;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, secrets);
    return out;
  }
  return value;
}

/** Build the logger every part of the app (and Probot itself) writes through. */
export async function createLogger(options: CreateLoggerOptions): Promise<Logger> {
  const secrets = [...options.secrets];
  const destination: DestinationStream = (options.destination ?? pino.destination({ dest: 1, sync: true })) as DestinationStream;
  let stream: DestinationStream = destination;
  if (options.format === "pretty") {
    // Probot's own formatter; it parses the (already redacted) JSON line and prints it readably.
    const transform = await getTransformStream({ logFormat: "pretty" });
    transform.pipe(destination as unknown as Writable);
    stream = transform;
  }
  return pino(
    {
      name: "issue-agent",
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // Errors logged under `error` (not only pino's `err`) keep message and stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: (line) => redactLogLine(line, secrets) },
    },
    stream,
  );
}
