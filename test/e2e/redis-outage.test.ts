/**
 * Redis outages as an operator lives them, with a private redis-server on a spare port:
 * - `npm start` (src/main.ts) and `npm run worker` (src/worker.ts, configured only by a `.env`
 *   file) with Redis unreachable: /healthz and /readyz answer 503 within 2 s, the log has ONE
 *   structured line about it (not a stack trace per retry), and SIGTERM ends the process promptly;
 * - a BullMQ queue that loses Redis and gets it back: one line when lost, one when restored, the
 *   probe follows, and close() is bounded while Redis is gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BullmqQueue } from "../../src/jobs/bullmq-queue.js";
import { freePort } from "../helpers/free-port.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");
const workDir = mkdtempSync(path.join(tmpdir(), "redis-outage-"));
const keyPath = path.join(workDir, "test.pem");
writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }));
const children: ChildProcess[] = [];
const hasRedisServer = await new Promise<boolean>((resolve) => {
  const probe = spawn("redis-server", ["--version"], { stdio: "ignore" });
  probe.on("error", () => resolve(false));
  probe.on("exit", (code) => resolve(code === 0));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function spawnProcess(entry: string, env: Record<string, string>, cwd = workDir) {
  const child = spawn(process.execPath, ["--import", TSX, path.join(ROOT, entry)], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workDir, NO_SMEE_SETUP: "true", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  children.push(redis);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, "127.0.0.1");
      socket.once("listening", () => socket.close(() => resolve(false)));
      socket.once("error", () => resolve(true));
    });
    if (up) return redis;
    if (Date.now() > deadline) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => redis.once("exit", resolve));
  redis.kill("SIGKILL");
  await exited;
}

/** GET url; the answer's status and how long it took. */
async function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

async function waitForAnswer(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} never answered`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((l) => l.trim())
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`a log line that is not JSON: ${line.slice(0, 200)}`);
      }
    });
}

describe.runIf(hasRedisServer)("Redis outages", () => {
  it("npm start with Redis unreachable: 503 within 2 s on /healthz and /readyz, one log line, SIGTERM exits", async () => {
    const port = await freePort();
    const deadRedis = await freePort();
    const app = spawnProcess("src/main.ts", {
      APP_ID: "123",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: "outage-secret",
      APP_SLUG: "issue-agent-test",
      PORT: String(port),
      HOST: "127.0.0.1",
      REDIS_URL: `redis://:hunter2pass@127.0.0.1:${deadRedis}`,
      AGENT_DATA_DIR: path.join(workDir, "main-data"),
      AGENT_SHUTDOWN_GRACE_SECONDS: "1",
    });
    await waitForAnswer(`http://127.0.0.1:${port}/healthz`);
    for (const endpoint of ["/healthz", "/readyz"]) {
      const answer = await timedGet(`http://127.0.0.1:${port}${endpoint}`);
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(2000);
    }
    await new Promise((r) => setTimeout(r, 5000));
    const lines = jsonLines(app.output());
    expect(lines.filter((l) => l.event === "redis-unreachable")).toHaveLength(1);
    expect(app.output()).not.toContain("hunter2pass");
    expect(app.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const stopped = Date.now();
    app.child.kill("SIGTERM");
    await app.exited;
    expect(Date.now() - stopped).toBeLessThan(11_000);
  }, 40_000);

  it("npm run worker reads .env like npm start; its /healthz and /readyz check Redis and the sandbox", async () => {
    const redisPort = await freePort();
    const metricsPort = await freePort();
    const dir = mkdtempSync(path.join(workDir, "worker-"));
    writeFileSync(
      path.join(dir, ".env"),
      [
        "APP_ID=123",
        `PRIVATE_KEY_PATH=${keyPath}`,
        "WEBHOOK_SECRET=worker-secret",
        "APP_SLUG=issue-agent-test",
        `REDIS_URL=redis://127.0.0.1:${redisPort}`,
        `AGENT_WORKER_METRICS_PORT=${metricsPort}`,
        `AGENT_DATA_DIR=${path.join(dir, "data")}`,
        "AGENT_SHUTDOWN_GRACE_SECONDS=1",
        "OPENAI_BASE_URL=http://127.0.0.1:9/v1",
        "",
      ].join("\n"),
    );
    const redis = await startRedis(redisPort);
    const worker = spawnProcess("src/worker.ts", {}, dir);
    const ready = `http://127.0.0.1:${metricsPort}/readyz`;
    await waitForAnswer(ready);
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await timedGet(ready)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    const body = (await (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", queue: { ok: true, mode: "bullmq" }, sandbox: { ok: true }, model: { ok: false } });
    // The start-up model check named the unreachable endpoint and the fix.
    expect(worker.output()).toMatch(/start-up check failed: the model endpoint 127\.0\.0\.1:9 cannot be reached.*Fix: check OPENAI_BASE_URL/);

    await stopRedis(redis);
    await new Promise((r) => setTimeout(r, 1000));
    for (const endpoint of ["/healthz", "/readyz"]) {
      const answer = await timedGet(`http://127.0.0.1:${metricsPort}${endpoint}`);
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(2000);
    }
    await new Promise((r) => setTimeout(r, 4000));
    const lines = jsonLines(worker.output());
    expect(lines.filter((l) => l.event === "redis-lost")).toHaveLength(1);
    const stopped = Date.now();
    worker.child.kill("SIGTERM");
    await worker.exited;
    expect(Date.now() - stopped).toBeLessThan(11_000);
  }, 60_000);

  it("a queue that loses Redis logs once, follows it in probe(), logs once when it is back, and closes promptly while it is gone", async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const queue = new BullmqQueue({ redisUrl: `redis://127.0.0.1:${port}`, log, concurrency: 1, maxAttempts: 1, graceMs: 1000, prefix: "outage-test" });
    await queue.startWorker(async () => "succeeded");
    expect((await queue.probe()).ok).toBe(true);

    await stopRedis(redis);
    await new Promise((r) => setTimeout(r, 3000));
    const started = Date.now();
    expect(await queue.probe()).toMatchObject({ ok: false, mode: "bullmq" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines.filter((l) => l.event === "redis-lost")).toHaveLength(1);

    redis = await startRedis(port);
    const deadline = Date.now() + 25_000;
    while (!(await queue.probe()).ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await queue.probe()).ok).toBe(true);
    expect(lines.filter((l) => l.event === "redis-restored")).toHaveLength(1);
    expect(lines.filter((l) => l.event === "redis-lost")).toHaveLength(1);

    await stopRedis(redis);
    const closing = Date.now();
    await queue.close(1000);
    expect(Date.now() - closing).toBeLessThan(10_000);
  }, 60_000);
});
