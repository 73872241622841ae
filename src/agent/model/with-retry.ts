/**
 * Our own retry loop around model calls (the SDK's is turned off) so the policy is ours and
 * tested: 408/409/429/5xx, connection errors and timeouts are retried with exponential backoff
 * and full jitter, honouring `retry-after-ms` / `retry-after` (seconds or an HTTP date). After the
 * last attempt, or on a non-retryable status, the error becomes a typed ModelError whose message
 * says what failed without the API key. Aborts become CancelledError at once.
 */
import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { CancelledError } from "../../shared/errors.js";
import { redactSecrets } from "../../shared/redact.js";
import { ModelError } from "./model-error.js";

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  /** Endpoint host, for messages. */
  host: string;
  /** Scrubbed from every message. */
  apiKey?: string;
  random?: () => number;
}

/** Thrown by a wire client for a failure it detected itself (e.g. an `error` event mid-stream). */
export class StreamFailure extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new CancelledError("The run was cancelled.");
    try {
      return await fn(attempt);
    } catch (error) {
      if (opts.signal?.aborted || error instanceof APIUserAbortError || isAbortError(error)) throw new CancelledError("The run was cancelled.");
      const c = classify(error);
      if (!c.retryable || attempt > opts.maxRetries) throw toModelError(error, c, attempt, opts);
      const backoff = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1)) * random();
      const delay = c.retryAfterMs !== undefined ? Math.min(c.retryAfterMs, Math.max(opts.maxDelayMs, 60_000)) : backoff;
      await sleep(delay, opts.signal);
    }
  }
}

interface Classified {
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  overflow: boolean;
}

const OVERFLOW_RE = /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input is too long/i;

function classify(error: unknown): Classified {
  if (error instanceof StreamFailure) {
    return { retryable: error.retryable, overflow: error.code === "context_length_exceeded" || OVERFLOW_RE.test(error.message) };
  }
  if (error instanceof APIConnectionError) return { retryable: true, overflow: false };
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const message = String((error.error as { message?: unknown } | undefined)?.message ?? error.message);
    const overflow = error.code === "context_length_exceeded" || (status === 400 && OVERFLOW_RE.test(message)) || status === 413;
    const retryable = !overflow && (status === 408 || status === 409 || status === 429 || status >= 500);
    return { retryable, status, overflow, ...retryAfter(error.headers) };
  }
  return { retryable: false, overflow: false };
}

function retryAfter(headers: Headers | undefined): { retryAfterMs?: number } {
  const ms = Number(headers?.get("retry-after-ms"));
  if (headers?.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return { retryAfterMs: ms };
  const raw = headers?.get("retry-after");
  if (!raw) return {};
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const date = Date.parse(raw);
  return Number.isNaN(date) ? {} : { retryAfterMs: Math.max(0, date - Date.now()) };
}

function toModelError(error: unknown, c: Classified, attempts: number, opts: RetryOptions): ModelError {
  const raw = error instanceof Error ? error.message : String(error);
  const detail = redactSecrets(raw, opts.apiKey ? [opts.apiKey] : []).slice(0, 300);
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  const base = { cause: error, attempts, ...(c.status !== undefined ? { status: c.status } : {}) };
  if (c.overflow) {
    return new ModelError("model/context-overflow", `The model at ${opts.host} rejected the request as larger than its context window: ${detail}`, {
      ...base,
      userMessage: "The model rejected the request as larger than its context window.",
    });
  }
  if (c.status === 401 || c.status === 403) {
    return new ModelError("model/auth", `The model endpoint ${opts.host} refused the API key (HTTP ${c.status}). Check OPENAI_API_KEY.`, {
      ...base,
      userMessage: `The model endpoint refused the app's API key (HTTP ${c.status}).`,
    });
  }
  if (c.status === 429) {
    return new ModelError("model/rate-limited", `The model endpoint ${opts.host} kept rate-limiting (HTTP 429) after ${tries}.`, {
      ...base,
      retryable: true,
      userMessage: `The model endpoint kept rate-limiting (HTTP 429) after ${tries}.`,
    });
  }
  const what = c.status !== undefined ? `HTTP ${c.status}` : "a connection error";
  return new ModelError("model/request-failed", `The model request to ${opts.host} failed with ${what} after ${tries}: ${detail}`, {
    ...base,
    retryable: c.retryable,
    userMessage:
      c.status !== undefined ? `The model request failed with HTTP ${c.status} after ${tries}.` : `The model endpoint could not be reached after ${tries}.`,
  });
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError("The run was cancelled."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
