import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createHealthHandler, type HealthHandlerOptions } from "../../../src/server/health-handler.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(options: Partial<HealthHandlerOptions>): Promise<string> {
  const handler = createHealthHandler({
    version: "1.2.3",
    isReady: () => true,
    queue: async () => ({ ok: true, depth: 0 }),
    sandbox: async () => ({ ok: true }),
    ...options,
  });
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => (handled ? undefined : res.writeHead(404).end()));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/healthz`;
}

describe("GET /readyz", () => {
  it("is 503 not_ready while the sandbox cannot run, where this process runs jobs; /healthz stays 200", async () => {
    const url = await serve({ sandbox: async () => ({ ok: false, reason: "Can't mount proc", fix: "systempaths=unconfined" }) });
    const ready = await fetch(url.replace("/healthz", "/readyz"));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not_ready", sandbox: { ok: false, fix: "systempaths=unconfined" } });
    expect((await fetch(url)).status).toBe(200);
  });

  it("is 200 with a broken sandbox in a web process that only enqueues (Redis mode)", async () => {
    const url = await serve({ runsJobs: false, sandbox: async () => ({ ok: false }) });
    expect((await fetch(url.replace("/healthz", "/readyz"))).status).toBe(200);
  });

  it("both answer 503 within 2 s when the queue never answers", async () => {
    const url = await serve({ queue: () => new Promise(() => undefined) });
    for (const path of ["/healthz", "/readyz"]) {
      const started = Date.now();
      const res = await fetch(url.replace("/healthz", path));
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await res.json()).toMatchObject({ status: "error", queue: { ok: false } });
    }
  });

  it("a slow first sandbox probe does not hold the answer past 2 s", async () => {
    const url = await serve({ sandbox: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 5000)) });
    const started = Date.now();
    const res = await fetch(url.replace("/healthz", "/readyz"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
  });
});

describe("GET /healthz", () => {
  it("is 503 until the app is ready", async () => {
    const res = await fetch(await serve({ isReady: () => false }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "starting", version: "1.2.3" });
  });

  it("is 200 ok with version, queue and sandbox once ready", async () => {
    const res = await fetch(await serve({}));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: "1.2.3", queue: { ok: true, depth: 0 }, sandbox: { ok: true } });
  });

  it("stays 200 but says degraded when the sandbox cannot start", async () => {
    const res = await fetch(await serve({ sandbox: async () => ({ ok: false, reason: "no bwrap" }) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "degraded", sandbox: { ok: false, reason: "no bwrap" } });
  });

  it("is 503 when the queue cannot answer, without leaking the connection password", async () => {
    const res = await fetch(await serve({ queue: () => Promise.reject(new Error("connect ECONNREFUSED redis://:hunter2secret@redis:6379")) }));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: "error", queue: { ok: false } });
    expect(text).not.toContain("hunter2secret");
  });

  it("probes the sandbox at most once per cache period", async () => {
    let probes = 0;
    const url = await serve({ sandbox: async () => ({ ok: true, n: ++probes }) });
    await fetch(url);
    await fetch(url);
    expect(probes).toBe(1);
  });

  it("leaves other paths to the next handler", async () => {
    const url = await serve({});
    expect((await fetch(url.replace("/healthz", "/other"))).status).toBe(404);
  });
});
