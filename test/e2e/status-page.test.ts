/**
 * The status page in a real headless browser (Debian's chromium, driven by puppeteer-core): the web
 * server as main.ts builds it (Probot Server, embedded queue, health and metrics handlers) with
 * AGENT_DASHBOARD_TOKEN set, a live job that reports turns and cost, a queued one behind it, and
 * today's spend. Without the token the page is refused; with it, it shows the runs; without
 * AGENT_DASHBOARD_TOKEN configured, `/` is a plain 404.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ApplicationFunction } from "probot";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { EmbeddedQueue } from "../../src/jobs/embedded-queue.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createSpendLedger, memorySpendStore } from "../../src/tasks/spend-ledger.js";
import { deferred, silentLog, waitFor } from "../unit/jobs/queue-test-kit.js";
import { freePort } from "../helpers/free-port.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOKEN = "status-page-token-0123456789abcdef";
const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
if (!existsSync(CHROMIUM)) console.warn(`\n*** ${CHROMIUM} is missing (apt-get install chromium): the status page browser test is SKIPPED ***\n`);

function payload(number: number) {
  return { installationId: 7, owner: "octo", repo: "app", issueNumber: number };
}

describe.runIf(existsSync(CHROMIUM))("status page in a browser", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "status-page-"));
  const release = deferred();
  let server: RunningServer;
  let plain: RunningServer;
  let queue: EmbeddedQueue;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    const env = parseEnv({
      APP_ID: "1",
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: "status-secret",
      PORT: String(port),
      HOST: "127.0.0.1",
      AGENT_DATA_DIR: dataDir,
      AGENT_DASHBOARD_TOKEN: TOKEN,
    });
    queue = new EmbeddedQueue({ dataDir, log: silentLog, concurrency: 1, maxAttempts: 1, graceMs: 1000, pollMs: 20 });
    await queue.startWorker(async (job) => {
      job.report({ turns: 3, tokens: 4200, costUsd: 0.12, step: "running `npm test`" });
      await release.promise;
      job.report({ turns: 5, tokens: 9000, costUsd: 0.31, prUrl: "https://github.com/octo/app/pull/9" });
      return "succeeded";
    });
    await queue.enqueue({ kind: "resolve-issue", key: "octo/app#5", deliveryId: "d-5", payload: payload(5) });
    await queue.enqueue({ kind: "fix-pr", key: "octo/app#5", deliveryId: "d-6", payload: { installationId: 7, owner: "octo", repo: "app", prNumber: 5 } });
    await waitFor(async () => (await queue.list()).running[0]?.facts.turns === 3, "the job to report");
    const spend = createSpendLedger({ perRepoPerDay: 50, perInstallationPerDay: 200 }, memorySpendStore());
    await spend.record("octo/app", 7, 12.5);
    const appFn: ApplicationFunction = () => undefined;
    server = await startServer({
      env,
      log: silentLog,
      version: "9.9.9-test",
      appFn,
      queue,
      queueMode: "embedded",
      sandboxProbe: async () => ({ ok: true }),
      spend,
    });
    base = `http://127.0.0.1:${server.port}`;

    const plainPort = await freePort();
    const plainEnv = parseEnv({
      APP_ID: "1",
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: "status-secret",
      PORT: String(plainPort),
      HOST: "127.0.0.1",
      AGENT_DATA_DIR: dataDir,
    });
    plain = await startServer({
      env: plainEnv,
      log: silentLog,
      version: "9.9.9-test",
      appFn,
      queue,
      queueMode: "embedded",
      sandboxProbe: async () => ({ ok: true }),
      spend,
    });

    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: mkdtempSync(path.join(tmpdir(), "status-chromium-")),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    release.resolve();
    await browser?.close();
    await plain?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses the page and the JSON without the token, or with a wrong one", async () => {
    const page = await browser.newPage();
    // The server answers 401 with a basic-auth challenge; headless Chromium has no one to ask for
    // the password, so the navigation fails and nothing of the page is shown.
    await expect(page.goto(`${base}/`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    expect(await page.content()).not.toContain("octo/app");
    await page.close();
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`ops:${password}`).toString("base64")}` });
    expect((await fetch(`${base}/`, { headers: basic("wrong-token-wrong-token") })).status).toBe(401);
    expect((await fetch(`${base}/`, { headers: basic(TOKEN) })).status).toBe(200);
    expect((await fetch(`${base}/api/runs`)).status).toBe(401);
    expect((await fetch(`${base}/api/runs`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("renders the running job (kind, issue link, age, turns, cost so far), the queued one and today's spend against the caps", async () => {
    const page = await browser.newPage();
    await page.authenticate({ username: "ops", password: TOKEN });
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    const running = await page.$$eval("#running + table tbody tr", (rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")),
    );
    expect(running).toHaveLength(1);
    expect(running[0]?.slice(0, 2)).toEqual(["resolve-issue", "octo/app#5"]);
    expect(running[0]?.[2]).toMatch(/^\d+s$/);
    expect(running[0]?.[3]).toBe("3");
    expect(running[0]?.[4]).toBe("$0.12");
    expect(running[0]?.[5]).toBe("running `npm test`");
    const href = await page.$eval("#running + table tbody a", (a) => a.getAttribute("href"));
    expect(href).toBe("https://github.com/octo/app/issues/5");
    const queued = await page.$$eval("#queued + table tbody tr", (rows) => rows.map((r) => r.textContent ?? ""));
    expect(queued).toHaveLength(1);
    expect(queued[0]).toContain("fix-pr");
    const spend = await page.$eval("#spend + table", (t) => t.textContent ?? "");
    expect(spend).toContain("octo/app");
    expect(spend).toMatch(/\$12\.50 of \$50\.00/);
    await page.screenshot({ path: path.join(tmpdir(), "issue-agent-status-page.png"), fullPage: true });
    await page.close();
  });

  it("shows the finished job with its outcome and PR link, and the same data as JSON at /api/runs", async () => {
    release.resolve();
    await waitFor(async () => (await queue.list()).finished.length === 2, "both jobs to finish");
    const page = await browser.newPage();
    await page.authenticate({ username: "ops", password: TOKEN });
    await page.goto(`${base}/`);
    const finished = await page.$$eval("#finished + table tbody tr", (rows) => rows.map((r) => r.textContent ?? ""));
    expect(finished).toHaveLength(2);
    expect(finished.find((r) => r.includes("resolve-issue"))).toMatch(/succeeded.*resolve-issue.*octo\/app#5.*pull request.*5.*\$0\.31/);
    expect(await page.$eval("#finished + table tbody a[href*='/pull/9']", (a) => a.getAttribute("href"))).toBe("https://github.com/octo/app/pull/9");
    await page.close();

    const json = (await (await fetch(`${base}/api/runs`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      finished: expect.arrayContaining([
        expect.objectContaining({
          kind: "resolve-issue",
          repo: "octo/app",
          number: 5,
          outcome: "succeeded",
          prUrl: "https://github.com/octo/app/pull/9",
          turns: 5,
          costUsd: 0.31,
        }),
      ]),
      spend: {
        caps: { perRepoPerDay: 50, perInstallationPerDay: 200 },
        repositories: [{ repo: "octo/app", usd: 12.5 }],
        installations: [{ installationId: 7, usd: 12.5 }],
      },
    });
  });

  it("is a 404 when AGENT_DASHBOARD_TOKEN is not set", async () => {
    const url = `http://127.0.0.1:${plain.port}`;
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/api/runs`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });
});
