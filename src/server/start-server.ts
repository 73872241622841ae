/**
 * The webhook server, with credentials: Probot's own `Server` (signature checks, routing, request
 * logs) pointed at GitHub or GitHub Enterprise, plus `GET /healthz`, `GET /readyz`, `GET /metrics`
 * and, with AGENT_DASHBOARD_TOKEN, the status page (`GET /`, `GET /api/runs`).
 * Stopping closes the HTTP server first (no new deliveries), then the queue with its grace period.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Probot, Server, type ApplicationFunction, type Logger } from "probot";
import type { HandlerTracker } from "../handlers/handler-tracker.js";
import type { Env } from "../config/env.js";
import type { JobQueue, JsonValue, QueueProbe } from "../jobs/types.js";
import { renderRepoConfigJsonSchema } from "../config/repo-config-json-schema.js";
import type { SpendLedger } from "../tasks/spend-ledger.js";
import { createHealthHandler, type HealthProbeResult } from "./health-handler.js";
import { withWebhookGuard, type WebhookRejection } from "./webhook-guard.js";
import { createStatusHandler } from "./status-page.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface StartServerOptions {
  env: Env;
  log: Logger;
  version: string;
  /** The Probot application function (handlers, and the in-process worker when there is one). */
  appFn: ApplicationFunction;
  queue: JobQueue;
  /** Webhook handlers still running after their acknowledgement; awaited on stop. */
  handlers?: Pick<HandlerTracker, "idle">;
  /** How the queue is backed, shown by /healthz. */
  queueMode: "embedded" | "bullmq";
  sandboxProbe: () => Promise<HealthProbeResult>;
  /** Today's spend for the status page (AGENT_DASHBOARD_TOKEN). */
  spend?: Pick<SpendLedger, "today">;
  /** Informational fields for the health endpoints (e.g. the start-up model check). */
  healthInfo?: () => { [key: string]: JsonValue };
  /** `GET /metrics`; omitted when AGENT_METRICS=false. */
  metricsHandler?: Handler | undefined;
  /** Told about every webhook request the guard refused (counted in /metrics). */
  onWebhookRejected?: ((reason: WebhookRejection) => void) | undefined;
}

export interface RunningServer {
  readonly port: number;
  /** Stop accepting requests, then let running jobs finish for the grace period. */
  stop(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { env, log, queue } = options;
  if (!env.APP_ID || !env.privateKey || !env.WEBHOOK_SECRET) {
    // parseEnv already refuses this; the check keeps Probot's public "development" secret unreachable.
    throw new Error("startServer needs APP_ID, a private key and WEBHOOK_SECRET");
  }
  let ready = false;
  const secret = env.WEBHOOK_SECRET;
  // Body cap, shared memory budget and bad-signature limits in front of Probot's webhook parser.
  const GuardedProbot = withWebhookGuard(Probot, {
    path: env.WEBHOOK_PATH,
    secret,
    maxInflightBytes: env.AGENT_WEBHOOK_MAX_INFLIGHT_MB * 1024 * 1024,
    failuresPerAddress: env.AGENT_WEBHOOK_FAILURES_PER_ADDRESS,
    failuresGlobal: env.AGENT_WEBHOOK_FAILURES_GLOBAL,
    trustProxy: env.AGENT_TRUST_PROXY,
    onReject: (reason, client) => {
      options.onWebhookRejected?.(reason);
      log.debug({ reason, client }, "webhook request refused");
    },
  });
  const server = new Server({
    Probot: GuardedProbot.defaults({ appId: env.APP_ID, privateKey: env.privateKey, secret, baseUrl: env.githubApiUrl, log }),
    log,
    port: env.PORT,
    host: env.HOST,
    webhookPath: env.WEBHOOK_PATH,
    webhookProxy: env.WEBHOOK_PROXY_URL,
  });
  server.addHandler(
    createHealthHandler({
      version: options.version,
      isReady: () => ready,
      queue: async () => toProbeResult(await queue.probe()),
      sandbox: options.sandboxProbe,
      // With Redis this process only enqueues: the sandbox matters to the workers' readiness.
      runsJobs: options.queueMode === "embedded",
      ...(options.healthInfo ? { info: options.healthInfo } : {}),
    }),
  );
  if (options.metricsHandler) server.addHandler(options.metricsHandler);
  // The JSON Schema of .github/agent.yml, for editors: `# yaml-language-server: $schema=https://<host>/agent.schema.json`.
  const configSchema = renderRepoConfigJsonSchema();
  server.addHandler((req, res) => {
    if (req.method !== "GET" || new URL(req.url ?? "/", "http://localhost").pathname !== "/agent.schema.json") return false;
    res
      .writeHead(200, { "content-type": "application/schema+json; charset=utf-8", "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" })
      .end(configSchema);
    return true;
  });
  if (env.AGENT_DASHBOARD_TOKEN && options.spend) {
    server.addHandler(
      createStatusHandler({ token: env.AGENT_DASHBOARD_TOKEN, queue, spend: options.spend, githubWebUrl: env.githubWebUrl, version: options.version }),
    );
  }
  await server.load(options.appFn);
  await server.start();
  ready = true;

  let stopping: Promise<void> | undefined;
  return {
    get port() {
      return server.port;
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        await server.stop();
        // Triggers already acknowledged finish enqueueing before the queue closes.
        await options.handlers?.idle();
        await queue.close(env.AGENT_SHUTDOWN_GRACE_SECONDS * 1000);
      })();
      return stopping;
    },
  };
}

export function toProbeResult(probe: QueueProbe): HealthProbeResult {
  return JSON.parse(JSON.stringify(probe)) as HealthProbeResult;
}
