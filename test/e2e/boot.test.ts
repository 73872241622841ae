/**
 * The app as GitHub and an operator see it: the real Probot Server with the real runtime wiring
 * (embedded queue on disk, metrics, sandbox probe) answering HTTP on a local port.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { ApplicationFunction } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { createRuntime } from "../../src/server/create-runtime.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createLogger } from "../../src/shared/logger.js";
import { loadWebhook, signDelivery, type FixtureName } from "../helpers/webhook-fixtures.js";
import { freePort } from "../helpers/free-port.js";

const TEST_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const SECRET = "boot-test-webhook-secret";

let server: RunningServer;
let base: string;
let dataDir: string;
const reached: string[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "boot-test-"));
  const port = await freePort();
  const env = parseEnv({ APP_ID: "123", PRIVATE_KEY: TEST_PEM, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: "127.0.0.1", AGENT_DATA_DIR: dataDir });
  const log = await createLogger({
    level: "debug",
    format: "json",
    secrets: [TEST_PEM, SECRET],
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    }),
  });
  const runtime = createRuntime(env, log);
  // The real queue, metrics and health wiring, but an app function that only records what reached
  // it after Probot verified the signature: what the trigger handlers do is tested with them, and
  // spawn.test.ts boots the full app.
  const appFn: ApplicationFunction = (app) => {
    app.onAny((event) => {
      reached.push(event.name);
    });
  };
  server = await startServer({ env, log, version: "9.9.9-test", ...runtime, appFn });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function deliver(event: string, payload: unknown, secret = SECRET, tamper?: (body: string) => string): Promise<Response> {
  const delivery = await signDelivery(event, payload, secret);
  return fetch(`${base}/api/github/webhooks`, { method: "POST", headers: delivery.headers, body: tamper ? tamper(delivery.body) : delivery.body });
}

describe("the booted app", () => {
  it("answers /healthz with 200 and a small JSON body", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ version: "9.9.9-test", queue: { ok: true, mode: "embedded", depth: 0 } });
    expect(["ok", "degraded"]).toContain(body.status);
    expect(body.sandbox).toHaveProperty("ok");
  });

  it("serves Prometheus metrics at /metrics", async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("issue_agent_jobs_enqueued_total");
  });

  it("accepts a correctly signed real ping delivery", async () => {
    const res = await deliver("ping", loadWebhook("ping"));
    expect(res.status).toBe(200);
    expect(reached).toContain("ping");
  });

  it("rejects a bad signature with 4xx before any handler runs", async () => {
    const before = reached.length;
    const wrongSecret = await deliver("issues", loadWebhook("issues.labeled"), "not-the-secret");
    const tampered = await deliver("issues", loadWebhook("issues.labeled"), SECRET, (body) => body.replace('"bug"', '"agent"'));
    // Probot's public fallback secret must not work (THREATS A7).
    const development = await deliver("ping", loadWebhook("ping"), "development");
    for (const res of [wrongSecret, tampered, development]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(reached.length).toBe(before);
  });

  it("rejects a delivery with no signature header", async () => {
    const delivery = await signDelivery("ping", loadWebhook("ping"), SECRET);
    const { ["x-hub-signature-256"]: _dropped, ...headers } = delivery.headers;
    const res = await fetch(`${base}/api/github/webhooks`, { method: "POST", headers, body: delivery.body });
    expect(res.status).toBe(400);
  });

  it.each<[FixtureName, string]>([
    ["issues.labeled", "issues"],
    ["issue_comment.created", "issue_comment"],
    ["issue_comment.created.pull_request", "issue_comment"],
    ["pull_request.opened", "pull_request"],
    ["pull_request.synchronize", "pull_request"],
    ["pull_request_review_comment.created", "pull_request_review_comment"],
    ["pull_request_review.submitted", "pull_request_review"],
    ["check_run.completed", "check_run"],
  ])("acknowledges the signed %s fixture", async (name, event) => {
    const res = await deliver(event, loadWebhook(name));
    expect(res.status).toBeLessThan(300);
    expect(reached).toContain(event);
  });

  it("serves the agent.yml JSON Schema for editors, and / is a 404 without AGENT_DASHBOARD_TOKEN", async () => {
    const res = await fetch(`${base}/agent.schema.json`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { $id?: string }).$id).toBe("urn:issue-agent:agent.schema.json");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/api/runs`)).status).toBe(404);
  });

  it("answers /readyz like /healthz while the sandbox works", async () => {
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { status: string; sandbox: { ok: boolean } };
    expect(res.status).toBe(body.sandbox.ok ? 200 : 503);
  });

  it("answers unknown paths with 404", async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("never logs the webhook secret or the private key", () => {
    const text = logLines.join("");
    expect(text).toContain("Listening on");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TEST_PEM.split("\n")[1]);
  });
});
