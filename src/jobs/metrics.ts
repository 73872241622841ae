/**
 * Prometheus metrics for jobs and model spend. Each call to `createMetrics()` makes its own
 * Registry (never prom-client's global one): tests and benchmarks create many queues in one
 * process, and a global registry would throw on the second registration.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobKind, JobOutcome } from "./types.js";

/**
 * How a run ended, as counted by `issue_agent_jobs_finished_total{outcome}`: the handler's own
 * outcome, or `error` (threw, gave up), `retrying` (threw, will run again), `interrupted`
 * (shutdown stopped it; requeued).
 */
export type FinishLabel = JobOutcome | "error" | "retrying" | "interrupted";

export interface ModelUsage {
  repo: string;
  model: string;
  /** Input (prompt) tokens, cached ones included. */
  input: number;
  output: number;
  costUsd: number;
}

export interface JobMetrics {
  registry: Registry;
  jobsEnqueued: Counter<"kind" | "status">;
  jobsStarted: Counter<"kind">;
  jobsFinished: Counter<"kind" | "outcome">;
  jobDuration: Histogram<"kind" | "outcome">;
  queueDepth: Gauge;
  modelTokens: Counter<"repo" | "model" | "direction">;
  modelCostUsd: Counter<"repo" | "model">;
  /** Webhook requests refused before Probot saw them (bad signature, too large, rate limited...). */
  webhookRejected: Counter<"reason">;
  /** GitHub API calls made through the app's clients, by route. */
  githubCalls: Counter<"endpoint">;
  /** The installation's remaining REST quota as last answered by GitHub. */
  githubQuotaRemaining: Gauge<"installation">;
  /** Automatic work skipped (coalesced, rate-limited, paused for quota, too many files). */
  automaticSkipped: Counter<"kind" | "reason">;
  /** Tasks call this after each model response (or once per run). */
  recordModelUsage(usage: ModelUsage): void;
  /** Record a finished run: counter plus duration histogram. */
  recordFinished(kind: JobKind, outcome: FinishLabel, seconds: number): void;
  /** The queue registers how to read its depth; it is read on every scrape. */
  setDepthSource(source: () => Promise<number>): void;
}

export function createMetrics(): JobMetrics {
  const registry = new Registry();
  let depthSource: (() => Promise<number>) | undefined;
  const jobsEnqueued = new Counter({
    name: "issue_agent_jobs_enqueued_total",
    help: "Enqueue requests by job kind; status=duplicate when the delivery id was seen before.",
    labelNames: ["kind", "status"] as const,
    registers: [registry],
  });
  const jobsStarted = new Counter({
    name: "issue_agent_jobs_started_total",
    help: "Job runs started (each attempt counts).",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const jobsFinished = new Counter({
    name: "issue_agent_jobs_finished_total",
    help: "Job runs finished, by kind and outcome.",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "issue_agent_job_duration_seconds",
    help: "Wall-clock duration of job runs.",
    labelNames: ["kind", "outcome"] as const,
    // Agent runs last from seconds (a no-op review) to an hour or more.
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: "issue_agent_queue_depth",
    help: "Jobs waiting to start.",
    registers: [registry],
    async collect() {
      if (depthSource) this.set(await depthSource());
    },
  });
  const modelTokens = new Counter({
    name: "issue_agent_model_tokens_total",
    help: "Model tokens by repository, model and direction (input/output).",
    labelNames: ["repo", "model", "direction"] as const,
    registers: [registry],
  });
  const modelCostUsd = new Counter({
    name: "issue_agent_model_cost_usd_total",
    help: "Estimated model spend in US dollars by repository and model.",
    labelNames: ["repo", "model"] as const,
    registers: [registry],
  });
  const webhookRejected = new Counter({
    name: "issue_agent_webhook_rejected_total",
    help: "Webhook requests refused before parsing: bad or missing signature, body too large, rate limited, busy, timeout.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const githubCalls = new Counter({
    name: "issue_agent_github_calls_total",
    help: "GitHub REST and GraphQL calls made by handlers and tasks, by route (e.g. GET /repos/{owner}/{repo}/pulls/{pull_number}).",
    labelNames: ["endpoint"] as const,
    registers: [registry],
  });
  const githubQuotaRemaining = new Gauge({
    name: "issue_agent_github_quota_remaining",
    help: "Remaining GitHub REST quota per installation, from the last answer's x-ratelimit-remaining.",
    labelNames: ["installation"] as const,
    registers: [registry],
  });
  const automaticSkipped = new Counter({
    name: "issue_agent_automatic_skipped_total",
    help: "Automatic work not started: coalesced, rate-limited, paused for low quota, or too large.",
    labelNames: ["kind", "reason"] as const,
    registers: [registry],
  });
  return {
    registry,
    webhookRejected,
    githubCalls,
    githubQuotaRemaining,
    automaticSkipped,
    jobsEnqueued,
    jobsStarted,
    jobsFinished,
    jobDuration,
    queueDepth,
    modelTokens,
    modelCostUsd,
    recordModelUsage({ repo, model, input, output, costUsd }) {
      if (input > 0) modelTokens.inc({ repo, model, direction: "input" }, input);
      if (output > 0) modelTokens.inc({ repo, model, direction: "output" }, output);
      if (costUsd > 0) modelCostUsd.inc({ repo, model }, costUsd);
    },
    recordFinished(kind, outcome, seconds) {
      jobsFinished.inc({ kind, outcome });
      jobDuration.observe({ kind, outcome }, seconds);
    },
    setDepthSource(source) {
      depthSource = source;
    },
  };
}

/**
 * A node:http handler for `GET /metrics`. Resolves true when it answered, false when the request
 * is for another path (so it can sit in front of Probot's middleware).
 */
export function metricsHandler(registry: Registry, path = "/metrics") {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== path) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`metrics collection failed: ${(error as Error).message}\n`);
    }
    return true;
  };
}
