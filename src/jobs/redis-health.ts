/**
 * Redis as the operator sees it during an outage: every client the process opens reconnects with
 * exponential backoff (capped), and the process logs ONE structured line when Redis becomes
 * unreachable and one when it is back, not a stack trace per retry. Connection errors that BullMQ's
 * Queue and Worker re-emit go to `noteError` and are folded into that state; other errors are logged.
 *
 * `up` is what the health endpoints read, so `/healthz` and `/readyz` answer 503 at once while
 * Redis is gone instead of waiting on a command that cannot complete.
 */
import type { EventEmitter } from "node:events";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { redactSecrets } from "../shared/redact.js";

export interface RedisHealth {
  /** A new client for `url`, tracked. */
  client(url: string, options?: RedisOptions): Redis;
  /** Route a BullMQ Queue's or Worker's `error` events here. */
  watch(emitter: Pick<EventEmitter, "on">, name: string): void;
  /** A command failed: true when it was a connection problem (already folded into the state, no log needed). */
  noteError(error: unknown): boolean;
  /** True while every tracked client is connected (false before the first connection). */
  readonly up: boolean;
  /** Why Redis is down, for /healthz. */
  readonly lastError: string | undefined;
  /** Forget the clients (they are closed by their owners). */
  close(): void;
}

/** Reconnect after 0.5 s, 1 s, 2 s ... up to 20 s between tries. */
export function reconnectDelay(times: number): number {
  return Math.min(500 * 2 ** Math.min(Math.max(times - 1, 0), 10), 20_000);
}

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|Reached the max retries/i;

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return CONNECTION_ERROR.test(`${code} ${error.message}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return redactSecrets(code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 300);
}

export function createRedisHealth(log: Logger, url: string): RedisHealth {
  const where = redactSecrets(url);
  const clients = new Set<Redis>();
  let state: "connecting" | "up" | "down" = "connecting";
  let downSince = 0;
  let lastError: string | undefined;

  const allReady = () => clients.size > 0 && [...clients].every((c) => c.status === "ready");
  const markDown = (error: unknown) => {
    lastError = describe(error);
    if (state === "down") return;
    const wasUp = state === "up";
    state = "down";
    downSince = Date.now();
    log.error(
      { redis: where, error: lastError, event: wasUp ? "redis-lost" : "redis-unreachable" },
      wasUp
        ? "Redis connection lost: jobs cannot be enqueued or run until it is back; reconnecting with backoff (up to every 20 s)"
        : "Redis is unreachable: check REDIS_URL and that the server runs; reconnecting with backoff (up to every 20 s)",
    );
  };
  const markMaybeUp = () => {
    if (state === "up" || !allReady()) return;
    const previous = state;
    state = "up";
    lastError = undefined;
    if (previous === "down")
      log.info({ redis: where, downSeconds: Math.round((Date.now() - downSince) / 100) / 10, event: "redis-restored" }, "Redis connection restored");
  };

  return {
    client(clientUrl, options = {}) {
      const client = new Redis(clientUrl, { retryStrategy: reconnectDelay, ...options });
      clients.add(client);
      client.on("ready", markMaybeUp);
      client.on("error", (error: unknown) => {
        if (isConnectionError(error)) markDown(error);
        else log.warn({ err: error, redis: where }, "Redis client error");
      });
      client.on("close", () => {
        if (state === "up" && client.status !== "end") markDown(new Error("Connection is closed"));
      });
      client.on("end", () => clients.delete(client));
      return client;
    },
    watch(emitter, name) {
      emitter.on("error", (error: unknown) => {
        if (isConnectionError(error)) markDown(error);
        else log.error({ err: error, component: name }, `${name} error`);
      });
    },
    noteError(error) {
      if (!isConnectionError(error)) return false;
      markDown(error);
      return true;
    },
    get up() {
      return state === "up" && allReady();
    },
    get lastError() {
      return lastError;
    },
    close() {
      clients.clear();
    },
  };
}
