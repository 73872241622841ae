/**
 * `GET /healthz` for load balancers, Docker's HEALTHCHECK and operators:
 * - 503 `{status:"starting"}` until the server has loaded the app and listens;
 * - 503 `{status:"error"}` when the queue cannot answer (e.g. Redis is down): nothing can be enqueued;
 * - 200 `{status:"ok"}` otherwise, or `{status:"degraded"}` when the sandbox cannot start (webhooks
 *   are still acknowledged and queued; runs fail closed until the host is fixed).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonValue } from "../jobs/types.js";
import { redactSecrets } from "../shared/redact.js";

export interface HealthProbeResult {
  ok: boolean;
  [key: string]: JsonValue;
}

export interface HealthHandlerOptions {
  version: string;
  isReady: () => boolean;
  /** Required for readiness: a failing queue makes the app unhealthy. */
  queue: () => Promise<HealthProbeResult>;
  /** Informational: a failing sandbox degrades the app but does not fail the check. */
  sandbox: () => Promise<HealthProbeResult>;
  /** How long a sandbox probe result is reused (it spawns bubblewrap). */
  sandboxCacheMs?: number;
  now?: () => number;
  path?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createHealthHandler(options: HealthHandlerOptions): Handler {
  const path = options.path ?? "/healthz";
  const now = options.now ?? Date.now;
  const cacheMs = options.sandboxCacheMs ?? 60_000;
  let sandboxCache: { at: number; result: Promise<HealthProbeResult> } | undefined;

  const sandbox = (): Promise<HealthProbeResult> => {
    if (!sandboxCache || now() - sandboxCache.at > cacheMs) {
      sandboxCache = { at: now(), result: probe(options.sandbox) };
    }
    return sandboxCache.result;
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== path) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (!options.isReady()) {
      send(res, req, 503, { status: "starting", version: options.version });
      return true;
    }
    const [queue, box] = await Promise.all([probe(options.queue), sandbox()]);
    const status = !queue.ok ? "error" : box.ok ? "ok" : "degraded";
    send(res, req, queue.ok ? 200 : 503, { status, version: options.version, queue, sandbox: box });
    return true;
  };
}

/** A probe never throws into the HTTP handler; its failure is part of the answer. */
async function probe(check: () => Promise<HealthProbeResult>): Promise<HealthProbeResult> {
  try {
    return await check();
  } catch (error) {
    // The endpoint is public: a connection string with a password must not show up here.
    return { ok: false, error: redactSecrets(error instanceof Error ? error.message : String(error)) };
  }
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: { [key: string]: JsonValue }): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
}
