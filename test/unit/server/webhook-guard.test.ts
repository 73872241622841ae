import http from "node:http";
import { connect, type AddressInfo } from "node:net";
import { sign } from "@octokit/webhooks-methods";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { guardWebhooks, SignatureFailureLimiter, type NodeMiddleware, type WebhookGuardOptions } from "../../../src/server/webhook-guard.js";

const SECRET = "guard-secret";
let server: http.Server | undefined;

// nock (test setup) intercepts sockets and holds a request back until it ends; these tests need
// bodies that are still arriving, so they talk to a real loopback server without it.
beforeAll(() => nock.restore());
afterAll(() => nock.activate());

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose "Probot middleware" records the body it was handed. */
async function start(options: Partial<WebhookGuardOptions> = {}) {
  const seen: string[] = [];
  const inner: NodeMiddleware = (req, res) => {
    seen.push((req as http.IncomingMessage & { body?: string }).body ?? "(stream)");
    res.writeHead(200).end("ok\n");
    return true;
  };
  const rejected: string[] = [];
  const guard = guardWebhooks(inner, { path: "/api/github/webhooks", secret: SECRET, onReject: (r) => rejected.push(r), ...options });
  server = http.createServer((req, res) => void guard(req, res));
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const post = async (body: string, signature?: string, extra: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-hub-signature-256": signature } : {}), ...extra }, body });
  return { seen, rejected, url, post };
}

/**
 * A request written on a raw socket, so the body can stop (or go on) anywhere. Resolves with the
 * status code of the answer.
 */
function rawRequest(url: string, headers: Record<string, string>, chunks: string[], keepOpen = true): { status: Promise<number>; close: () => void } {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  const head = [`POST ${u.pathname} HTTP/1.1`, `host: ${u.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n");
  socket.write(head);
  const chunked = headers["transfer-encoding"] === "chunked";
  for (const c of chunks) socket.write(chunked ? `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n` : c);
  if (!keepOpen && chunked) socket.write("0\r\n\r\n");
  const status = new Promise<number>((resolve, reject) => {
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without a status: ${text}`)));
  });
  status.catch(() => undefined);
  return { status, close: () => socket.destroy() };
}

describe("webhook guard", () => {
  it("hands a correctly signed body to Probot's middleware as request.body", async () => {
    const s = await start();
    const body = JSON.stringify({ zen: "ok" });
    const res = await s.post(body, await sign(SECRET, body));
    expect(res.status).toBe(200);
    expect(s.seen).toEqual([body]);
  });

  it("refuses a missing or wrong signature before Probot sees the request", async () => {
    const s = await start();
    expect((await s.post("{}")).status).toBe(400);
    expect((await s.post("{}", await sign("development", "{}"))).status).toBe(400);
    expect((await s.post("{}", "sha256=zz")).status).toBe(400);
    expect(s.seen).toEqual([]);
    expect(s.rejected).toEqual(["no-signature", "bad-signature", "bad-signature"]);
  });

  it("answers 413 to a declared length over the cap, and to a chunked body at the cap", async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const big = "x".repeat(2048);
    expect((await s.post(big, await sign(SECRET, big))).status).toBe(413);
    const chunked = rawRequest(
      s.url,
      { "content-type": "application/json", "x-hub-signature-256": "sha256=00", "transfer-encoding": "chunked" },
      Array(8).fill("y".repeat(512)),
    );
    expect(await chunked.status).toBe(413);
    chunked.close();
    expect(s.rejected).toEqual(["too-large", "too-large"]);
  });

  it("gives an address 429 after repeated bad signatures, while a valid sender stays reachable", async () => {
    const s = await start({ failuresPerAddress: 3, failuresGlobal: 1000 });
    for (let i = 0; i < 3; i++) expect((await s.post("{}", "sha256=00")).status).toBe(400);
    const limited = await s.post("{}", "sha256=00");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The limit is per address: a valid delivery from this address is refused too until the window passes.
    const body = "{}";
    expect((await s.post(body, await sign(SECRET, body))).status).toBe(429);
  });

  it("refuses bodies that do not fit the shared in-flight budget with 503", async () => {
    const s = await start({ maxBodyBytes: 1024, maxInflightBytes: 1024 });
    // One upload holds the whole budget (declared 1000 bytes, only half sent)...
    const hold = rawRequest(s.url, { "content-type": "application/json", "x-hub-signature-256": "sha256=00", "content-length": "1000" }, ["z".repeat(500)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // ...so a second one cannot start reading.
    const body = "x".repeat(100);
    expect((await s.post(body, await sign(SECRET, body))).status).toBe(503);
    hold.close();
  });

  it("passes other paths and methods straight through", async () => {
    const s = await start();
    const res = await fetch(s.url.replace("/api/github/webhooks", "/healthz"));
    expect(res.status).toBe(200);
    expect(s.seen).toEqual(["(stream)"]);
  });
});

describe("SignatureFailureLimiter", () => {
  it("past the global limit refuses unknown addresses but not ones recently seen with a valid signature", () => {
    let t = 0;
    const limiter = new SignatureFailureLimiter(100, 5, () => t);
    limiter.succeed("github");
    for (let i = 0; i < 5; i++) limiter.fail(`attacker-${i}`);
    expect(limiter.retryAfter("someone-new")).toBeGreaterThan(0);
    expect(limiter.retryAfter("github")).toBe(0);
    t += 61_000;
    expect(limiter.retryAfter("someone-new")).toBe(0);
  });
});
