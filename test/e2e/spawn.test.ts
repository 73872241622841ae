/**
 * `npm start` as a process: src/main.ts run by Node (through tsx, so no build is needed), with a
 * throwaway key, in a scratch working directory (so a developer's own .env cannot interfere).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";
import { freePort } from "../helpers/free-port.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = path.join(ROOT, "src/main.ts");
const TSX = import.meta.resolve("tsx");
const SECRET = "spawn-test-webhook-secret";
const workDir = mkdtempSync(path.join(tmpdir(), "spawn-test-"));
if (existsSync(path.join(ROOT, "app.yml"))) copyFileSync(path.join(ROOT, "app.yml"), path.join(workDir, "app.yml"));
const keyPath = path.join(workDir, "test.pem");
writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }));

const children: ChildProcess[] = [];

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: workDir,
      NO_SMEE_SETUP: "true",
      AGENT_DATA_DIR: path.join(workDir, "data"),
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(url: string, expectedStatus: number, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status === expectedStatus) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${expectedStatus} in time`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("npm start", () => {
  it("stops with one line naming the bad variable and exit code 1", async () => {
    const app = start({ PORT: "eighty" });
    expect(await app.exited).toBe(1);
    expect(app.output()).toBe('issue-agent: Invalid environment: PORT: must be a whole number from 1 to 65535, got "eighty"\n');
  });

  it("refuses APP_ID without WEBHOOK_SECRET instead of accepting Probot's default secret", async () => {
    const app = start({ APP_ID: "123", PRIVATE_KEY_PATH: keyPath });
    expect(await app.exited).toBe(1);
    expect(app.output()).toBe("issue-agent: Invalid environment: WEBHOOK_SECRET: is required when APP_ID is set\n");
  });

  it("serves /healthz and signed webhooks with credentials, and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    // APP_SLUG: nothing to ask GitHub (unreachable from tests) at start-up.
    const app = start({ APP_ID: "123", PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: SECRET, APP_SLUG: "issue-agent", PORT: String(port), HOST: "127.0.0.1" });
    const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 200);
    expect(await health.json()).toMatchObject({ version: expect.any(String), queue: { ok: true } });

    const delivery = await signDelivery("ping", loadWebhook("ping"), SECRET);
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", headers: delivery.headers, body: delivery.body });
    expect(res.status).toBe(200);

    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
    expect(app.output()).not.toContain(SECRET);
  });

  it("without APP_ID serves the setup page: the webhook URL is this app's webhook path, the App name unique and editable", async () => {
    const port = await freePort();
    const app = start({ PORT: String(port), HOST: "127.0.0.1" });
    const root = await waitFor(`http://127.0.0.1:${port}/`, 302);
    expect(root.headers.get("location")).toBe("/probot");
    const page = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Setup Your App");
    // The manifest the page posts to GitHub is app.yml's.
    const manifest = JSON.parse(/value='([^']*)'/.exec(html)?.[1] ?? "{}") as {
      name?: string;
      default_permissions?: Record<string, string>;
      redirect_url?: string;
      hook_attributes?: { url?: string };
    };
    expect(manifest.default_permissions).toMatchObject({ issues: "write", contents: "write", metadata: "read" });
    expect(manifest.redirect_url).toBe(`http://127.0.0.1:${port}/probot/setup`);
    expect(manifest.hook_attributes?.url).toBe(`http://127.0.0.1:${port}/api/github/webhooks`);
    expect(manifest.name).toMatch(/^issue-agent-[0-9a-f]{6}$/);
    // GitHub cannot deliver to 127.0.0.1, and the page says what to set instead.
    expect(html).toMatch(/GitHub cannot reach[\s\S]*AGENT_PUBLIC_URL[\s\S]*WEBHOOK_PROXY_URL/);
    const imported = await (await fetch(`http://127.0.0.1:${port}/probot/import`)).text();
    expect(imported).toContain(`<code id="webhook-url">http://127.0.0.1:${port}/api/github/webhooks</code>`);
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  });

  it("setup mode with AGENT_PUBLIC_URL and AGENT_APP_NAME registers exactly those", async () => {
    const port = await freePort();
    const app = start({ PORT: String(port), HOST: "127.0.0.1", AGENT_PUBLIC_URL: "https://agent.example.com", AGENT_APP_NAME: "acme-issue-agent" });
    await waitFor(`http://127.0.0.1:${port}/`, 302);
    const html = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
    const manifest = JSON.parse(/value='([^']*)'/.exec(html)?.[1] ?? "{}") as { name?: string; hook_attributes?: { url?: string } };
    expect(manifest).toMatchObject({ name: "acme-issue-agent", hook_attributes: { url: "https://agent.example.com/api/github/webhooks" } });
    expect(html).not.toContain("GitHub cannot reach");
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  });
});
