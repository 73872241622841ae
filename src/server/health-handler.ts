/**
 * Liveness and readiness, for load balancers, Docker's HEALTHCHECK, Kubernetes and operators. Both
 * answer within about 2 s whatever the state of Redis (every probe is bounded).
 *
 * `GET /healthz` (liveness: "the process works and can take webhooks"):
 * - 503 `{status:"starting"}` until the server has loaded the app and listens, and while stopping;
 * - 503 `{status:"error"}` when the queue cannot answer (e.g. Redis is down): nothing can be enqueued;
 * - 200 `{status:"ok"}` otherwise, or `{status:"degraded"}` when the sandbox cannot start.
 *
 * `GET /readyz` (readiness: "jobs given to this process will work"): the same, but also 503
 * `{status:"not_ready"}` while the sandbox cannot run commands in a process that runs jobs
 * (`runsJobs`). The body names each failing check with its fix.
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
  /** Required for both: a failing queue makes the process unhealthy. */
  queue: () => Promise<HealthProbeResult>;
  /** Required for readiness when `runsJobs`; informational otherwise. */
  sandbox: () => Promise<HealthProbeResult>;
  /** Whether this process runs jobs (embedded mode, a worker); a web process with Redis does not. */
  runsJobs?: boolean;
  /** Extra informational checks shown in the body (e.g. the start-up model endpoint check). */
  info?: () => { [key: string]: JsonValue };
  /** How long a sandbox probe result is reused (it spawns bubblewrap). */
  sandboxCacheMs?: number;
  /** Longest a probe may take before it counts as failed (default 1500 ms). */
  probeTimeoutMs?: number;
  now?: () => number;
  path?: string;
  readyPath?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createHealthHandler(options: HealthHandlerOptions): Handler {
  const path = options.path ?? "/healthz";
  const readyPath = options.readyPath ?? "/readyz";
  const now = options.now ?? Date.now;
  const cacheMs = options.sandboxCacheMs ?? 60_000;
  const timeoutMs = options.probeTimeoutMs ?? 1500;
  let sandboxCache: { at: number; result: Promise<HealthProbeResult> } | undefined;

  const sandbox = (): Promise<HealthProbeResult> => {
    if (!sandboxCache || now() - sandboxCache.at > cacheMs) {
      sandboxCache = { at: now(), result: probe(options.sandbox, 30_000) };
    }
    return bounded(sandboxCache.result, timeoutMs, "the sandbox check is still running");
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== path && url.pathname !== readyPath) return false;
    const readiness = url.pathname === readyPath;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (!options.isReady()) {
      send(res, req, 503, { status: "starting", version: options.version });
      return true;
    }
    const [queue, box] = await Promise.all([probe(options.queue, timeoutMs), sandbox()]);
    const info = options.info?.() ?? {};
    const body = { version: options.version, queue, sandbox: box, ...info };
    if (!queue.ok) {
      send(res, req, 503, { status: "error", ...body });
    } else if (!box.ok && readiness && options.runsJobs !== false) {
      send(res, req, 503, { status: "not_ready", ...body });
    } else {
      send(res, req, 200, { status: box.ok ? "ok" : "degraded", ...body });
    }
    return true;
  };
}

/** A probe never throws into the HTTP handler and never hangs it; its failure is part of the answer. */
async function probe(check: () => Promise<HealthProbeResult>, timeoutMs: number): Promise<HealthProbeResult> {
  try {
    return await bounded(check(), timeoutMs, `no answer within ${timeoutMs} ms`);
  } catch (error) {
    // The endpoint is public: a connection string with a password must not show up here.
    return { ok: false, error: redactSecrets(error instanceof Error ? error.message : String(error)) };
  }
}

async function bounded(result: Promise<HealthProbeResult>, ms: number, message: string): Promise<HealthProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: message }), ms);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: { [key: string]: JsonValue }): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
}
