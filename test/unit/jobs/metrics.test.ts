import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import { createMetrics, metricsHandler } from "../../../src/jobs/metrics.js";
import { request } from "./queue-contract.js";
import { makeTempDir, silentLog, waitFor } from "./queue-test-kit.js";

let server: Server | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  server?.close();
  for (const c of cleanups.splice(0)) await c();
});

async function serve(handler: ReturnType<typeof metricsHandler>): Promise<string> {
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end("not metrics");
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("GET /metrics", () => {
  it("exposes job counters, queue depth and model usage in Prometheus format", async () => {
    const metrics = createMetrics();
    const { dir, remove } = makeTempDir();
    const queue = new EmbeddedQueue({ dataDir: dir, log: silentLog, metrics, concurrency: 1, maxAttempts: 1, graceMs: 0, pollMs: 50 });
    cleanups.push(() => queue.close(0), remove);
    await queue.enqueue(request("o/r#1", { kind: "fix-pr" }));
    await queue.enqueue(request("o/r#1", { kind: "fix-pr" }));
    metrics.recordModelUsage({ repo: "octo/repo", model: "gpt-5-codex", input: 1200, output: 300, costUsd: 0.0045 });
    metrics.recordModelUsage({ repo: "octo/repo", model: "gpt-5-codex", input: 800, output: 0, costUsd: 0.001 });
    const base = await serve(metricsHandler(metrics.registry));

    const before = await fetch(`${base}/metrics`);
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toContain("text/plain");
    const text = await before.text();
    expect(text).toContain('issue_agent_jobs_enqueued_total{kind="fix-pr",status="enqueued"} 2');
    expect(text).toContain("issue_agent_queue_depth 2");
    expect(text).toContain('issue_agent_model_tokens_total{repo="octo/repo",model="gpt-5-codex",direction="input"} 2000');
    expect(text).toContain('issue_agent_model_tokens_total{repo="octo/repo",model="gpt-5-codex",direction="output"} 300');
    expect(text).toContain('issue_agent_model_cost_usd_total{repo="octo/repo",model="gpt-5-codex"} 0.0055');

    await queue.startWorker(async () => "succeeded");
    await waitFor(async () => (await queue.depth()) === 0 && !(await queue.isRunning("o/r#1")), "both jobs");
    await waitFor(
      async () => (await (await fetch(`${base}/metrics`)).text()).includes('issue_agent_jobs_finished_total{kind="fix-pr",outcome="succeeded"} 2'),
      "finished counter",
    );
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(after).toContain("issue_agent_queue_depth 0");
    expect(after).toContain('issue_agent_jobs_started_total{kind="fix-pr"} 2');
  });

  it("leaves other paths to the next handler and refuses other methods", async () => {
    const base = await serve(metricsHandler(createMetrics().registry));
    expect((await fetch(`${base}/api/github/webhooks`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("keeps registries apart so many queues can live in one process", () => {
    const a = createMetrics();
    const b = createMetrics();
    a.jobsStarted.inc({ kind: "resolve-issue" });
    expect(b.registry.getSingleMetric("issue_agent_jobs_started_total")).toBeDefined();
    expect(a.registry).not.toBe(b.registry);
  });
});
