/**
 * Webhook acknowledgement latency: a real Probot app on 127.0.0.1 whose `issues.labeled` handler
 * enqueues a job in the embedded (node:sqlite) queue, against a bare Probot app whose handler does
 * nothing, in the same run. 500 signed `issues/labeled` deliveries, 50 in flight at a time.
 * Targets: p99 < 50 ms and p99 within 1.5x of the bare app. No GitHub calls: the handler only
 * enqueues.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { pino } from "pino";
import { createNodeMiddleware, Probot, type ApplicationFunction } from "probot";
import { EmbeddedQueue } from "../src/jobs/embedded-queue.js";
import type { JobQueue } from "../src/jobs/types.js";

const DELIVERIES = 500;
const CONCURRENCY = 50;
const WARMUP = 100;
const SECRET = "bench-webhook-secret";

const examples = (await import("@octokit/webhooks-examples/api.github.com/index.json", { with: { type: "json" } })).default as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
const labeled = examples.find((e) => e.name === "issues")?.examples.find((e) => e.action === "labeled");
if (!labeled) throw new Error("no issues/labeled example in @octokit/webhooks-examples");
const body = JSON.stringify({ ...labeled, installation: { id: 4242, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" } });
const signature = await sign(SECRET, body);

if (!isMainThread && (workerData as { role?: string } | null)?.role === "client") runClient();
else await main();

/** Worker-thread side: keep-alive connections, CONCURRENCY requests in flight. */
function runClient(): void {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deliver = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const headers = {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-github-event": "issues",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signature,
        "user-agent": "GitHub-Hookshot/bench",
      };
      const req = request(url, { method: "POST", agent, headers }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode && res.statusCode < 300 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  const run = async (url: string, count: number) => {
    const latencies: number[] = [];
    let next = 0;
    const lane = async () => {
      while (next < count) {
        next++;
        latencies.push(await deliver(url));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    return latencies.sort((a, b) => a - b);
  };
  parentPort?.on("message", ({ url, count }: { url: string; count: number }) => {
    void run(url, count).then((latencies) => parentPort?.postMessage(latencies));
  });
}

async function main(): Promise<void> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const silent = pino({ level: "silent" });

  async function startApp(appFn: ApplicationFunction): Promise<{ url: string; server: Server }> {
    const probot = new Probot({ appId: 1, privateKey, secret: SECRET, log: silent });
    const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: "/api/github/webhooks" });
    const server = createServer((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`, server };
  }

  /**
   * The load generator runs in a worker thread (its own event loop, the other core), so the
   * latency measured is the app's, not the client's time to build and read requests.
   */
  const client = new Worker(new URL(import.meta.url), { workerData: { role: "client" }, execArgv: ["--import", "tsx"] });
  let pending: ((latencies: number[]) => void) | undefined;
  client.on("message", (latencies: number[]) => pending?.(latencies));
  client.on("error", (error) => {
    console.error(error);
    process.exit(1);
  });

  function run(url: string, count: number): Promise<number[]> {
    return new Promise((resolve) => {
      pending = resolve;
      client.postMessage({ url, count });
    });
  }

  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

  const dataDir = mkdtempSync(path.join(tmpdir(), "webhook-ack-bench-"));
  const queue: JobQueue = new EmbeddedQueue({ dataDir, log: silent, concurrency: 2, maxAttempts: 2, graceMs: 0 });
  let enqueued = 0;

  const bare = await startApp((app) => {
    app.on("issues.labeled", async () => undefined);
  });
  const queued = await startApp((app) => {
    app.on("issues.labeled", async (context) => {
      const { repository, issue } = context.payload;
      await queue.enqueue({
        kind: "resolve-issue",
        key: `${repository.full_name}#${issue.number}`,
        deliveryId: context.id,
        payload: { installationId: context.payload.installation?.id ?? 0, repo: repository.full_name, number: issue.number, sender: context.payload.sender?.login ?? "" },
      });
      enqueued++;
    });
  });

  try {
    await run(bare.url, WARMUP);
    await run(queued.url, WARMUP);
    // Alternate twice and keep each app's better round, so a GC pause in one round does not decide.
    const rounds = { bare: [] as number[][], queued: [] as number[][] };
    for (let i = 0; i < 2; i++) {
      rounds.bare.push(await run(bare.url, DELIVERIES));
      rounds.queued.push(await run(queued.url, DELIVERIES));
    }
    const best = (rs: number[][]) => rs.reduce((a, b) => (pct(a, 99) <= pct(b, 99) ? a : b));
    const b = best(rounds.bare);
    const q = best(rounds.queued);
    console.log(`deliveries: ${DELIVERIES} per app, ${CONCURRENCY} concurrent, signed issues/labeled (jobs enqueued: ${enqueued}, queue depth: ${await queue.depth()})`);
    console.log(`bare Probot    p50 ${fmt(pct(b, 50))}  p95 ${fmt(pct(b, 95))}  p99 ${fmt(pct(b, 99))}`);
    console.log(`enqueue (sqlite) p50 ${fmt(pct(q, 50))}  p95 ${fmt(pct(q, 95))}  p99 ${fmt(pct(q, 99))}`);
    const ratio = pct(q, 99) / pct(b, 99);
    console.log(`p99 ratio enqueue/bare: ${ratio.toFixed(2)}x (target <= 1.5x); p99 ${pct(q, 99) < 50 ? "meets" : "MISSES"} the 50 ms target`);
  } finally {
    bare.server.close();
    queued.server.close();
    await client.terminate();
    await queue.close(0);
    rmSync(dataDir, { recursive: true, force: true });
  }

}
