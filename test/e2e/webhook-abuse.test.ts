/**
 * Attacks on the running app's webhook URL, as anyone on the internet can send them: a 256 MiB body
 * with a wrong signature (declared by Content-Length, and chunked) must be refused with 413 without
 * the server buffering it (its resident memory grows by less than 30 MB), and repeated bad
 * signatures from one address end in 429, while GitHub's signed deliveries still go through.
 */
import { waitFor } from "../helpers/wait-for.js";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");
const SECRET = "abuse-test-webhook-secret";
const MiB = 1024 * 1024;
const workDir = mkdtempSync(path.join(tmpdir(), "abuse-test-"));
const keyPath = path.join(workDir, "test.pem");
writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }));

let child: ChildProcess | undefined;
let port = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Resident memory of the server process, and its peak since the last `resetPeak()` (kB, from /proc). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * POST `total` bytes of junk with a wrong signature on a raw socket, as fast as the server reads
 * them, until it answers. Resolves with the answer's status code.
 */
function flood(total: number, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const headers = [
      "POST /api/github/webhooks HTTP/1.1",
      `host: 127.0.0.1:${port}`,
      "content-type: application/json",
      "x-github-event: issues",
      "x-github-delivery: 00000000-0000-0000-0000-000000000000",
      `x-hub-signature-256: sha256=${"0".repeat(64)}`,
      chunked ? "transfer-encoding: chunked" : `content-length: ${total}`,
      "",
      "",
    ].join("\r\n");
    const block = Buffer.alloc(Math.min(MiB, total), "a");
    const frame = chunked ? Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from("\r\n")]) : block;
    let sent = 0;
    let answered = false;
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match && !answered) {
        answered = true;
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    // Writing may fail (EPIPE) once the server stops reading; the answer may still be in flight.
    let failure: Error | undefined;
    socket.on("error", (error) => {
      failure = error;
    });
    socket.on("close", () => (answered ? undefined : reject(failure ?? new Error("closed without an answer"))));
    const pump = () => {
      while (!answered && !failure && sent < total) {
        sent += block.length;
        if (!socket.write(frame)) return socket.once("drain", pump);
      }
    };
    socket.write(headers, pump);
  });
}

async function waitForHealth(timeoutMs = 20_000): Promise<void> {
  // Not listening yet counts as not healthy.
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, {
    what: "the app to become healthy",
    timeoutMs,
    intervalMs: 150,
  });
}

// Raw sockets to a real process: nock (test setup) must not sit in between.
beforeAll(async () => {
  nock.restore();
  port = await freePort();
  child = spawn(process.execPath, ["--import", TSX, path.join(ROOT, "src/main.ts")], {
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: workDir,
      NO_SMEE_SETUP: "true",
      AGENT_DATA_DIR: path.join(workDir, "data"),
      APP_ID: "123",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      AGENT_WEBHOOK_FAILURES_PER_ADDRESS: "4",
    },
    stdio: ["ignore", "ignore", "ignore"],
  });
  await waitForHealth();
});

afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  nock.activate();
  if (existsSync(workDir)) rmSync(workDir, { recursive: true, force: true });
});

/** A correctly signed delivery, from `localAddress` (any 127.x address is this machine). */
async function signedPing(localAddress = "127.0.0.1"): Promise<number> {
  const delivery = await signDelivery("ping", loadWebhook("ping"), SECRET);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/api/github/webhooks", method: "POST", headers: delivery.headers, localAddress, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(delivery.body);
  });
}

describe("webhook abuse against the running app", () => {
  it.each([
    ["declared by Content-Length", false],
    ["chunked", true],
  ])("a 256 MiB body %s gets 413 and the server's memory grows by less than 30 MB", async (_name, chunked) => {
    const pid = child?.pid ?? 0;
    expect(await signedPing()).toBe(200);
    const before = memory(pid).rss;
    const exactPeak = resetPeak(pid);
    let sampled = before;
    const sampler = setInterval(() => (sampled = Math.max(sampled, memory(pid).rss)), 5);
    const status = await flood(256 * MiB, chunked);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clearInterval(sampler);
    const peak = exactPeak ? Math.max(memory(pid).peak, sampled) : sampled;
    expect(status).toBe(413);
    expect((peak - before) * 1024).toBeLessThan(30 * 1000 * 1000);
  });

  it("an address sending bad signatures is refused with 429; signed deliveries from elsewhere still pass", async () => {
    // The two floods above already counted as failures from 127.0.0.1.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(await flood(64, false));
    expect(statuses.at(-1)).toBe(429);
    // That address is refused even with a valid signature until its minute has passed; another is not.
    expect(await signedPing()).toBe(429);
    expect(await signedPing("127.0.0.2")).toBe(200);
  });
});
