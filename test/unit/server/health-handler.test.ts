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
