import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv as parseDotEnv } from "node:util";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { isPublic, startSetup, writeDotEnv } from "../../../src/server/start-setup.js";
import type { RunningServer } from "../../../src/server/start-server.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\ndef==\n-----END RSA PRIVATE KEY-----\n";
let running: RunningServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("setup mode", () => {
  it("exchanges GitHub's code for the App's credentials, writes them to .env keeping other lines, and sends you on to install", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "setup-"));
    dirs.push(cwd);
    writeFileSync(path.join(cwd, ".env"), "# mine\nLOG_LEVEL=debug\nAPP_ID=\n");
    const asked: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      asked.push(String(url));
      return new Response(
        JSON.stringify({ id: 99, slug: "acme-agent", name: "acme agent", html_url: "https://github.com/apps/acme-agent", pem: PEM, webhook_secret: "whsec" }),
        { status: 201 },
      );
    }) as typeof fetch;
    const env = parseEnv({ PORT: "3999", HOST: "127.0.0.1" });
    running = await startSetup({ ...env, PORT: 0 as unknown as number }, pino({ level: "silent" }), { cwd, fetch: fakeFetch, nodeEnv: "development" });
    const page = await (await fetch(`http://127.0.0.1:${running.port}/probot`)).text();
    const state = /state=([0-9a-f]+)/.exec(page)?.[1];
    expect(state).toBeDefined();
    // A code that did not come back from our own form is refused (another site's App).
    expect((await fetch(`http://127.0.0.1:${running.port}/probot/setup?code=abc123`, { redirect: "manual" })).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${running.port}/probot/setup?code=abc123&state=0000`, { redirect: "manual" })).status).toBe(400);
    expect(asked).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${running.port}/probot/setup?code=abc123&state=${state}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://github.com/apps/acme-agent/installations/new");
    expect(asked).toEqual(["https://api.github.com/app-manifests/abc123/conversions"]);
    const text = readFileSync(path.join(cwd, ".env"), "utf8");
    expect(text).toMatch(/^# mine\nLOG_LEVEL=debug\nAPP_ID="99"\n/);
    const parsed = parseDotEnv(text);
    // What npm start reads back is a valid configuration.
    expect(parsed).toMatchObject({ APP_ID: "99", WEBHOOK_SECRET: "whsec" });
    expect(String(parsed.PRIVATE_KEY).replace(/\\n/g, "\n")).toBe(PEM);
  });

  it("attack: a cross-site form post cannot plant another App's credentials in .env", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "setup-"));
    dirs.push(cwd);
    const env = parseEnv({ HOST: "127.0.0.1" });
    running = await startSetup({ ...env, PORT: 0 as unknown as number }, pino({ level: "silent" }), { cwd, nodeEnv: "development" });
    const body = JSON.stringify({ appId: "666", pem: PEM, webhook_secret: "evil" });
    const res = await fetch(`http://127.0.0.1:${running.port}/probot/import`, { method: "POST", headers: { "content-type": "text/plain" }, body });
    expect(res.status).toBe(415);
    expect(existsSync(path.join(cwd, ".env"))).toBe(false);
    const ok = await fetch(`http://127.0.0.1:${running.port}/probot/import`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(ok.status).toBe(200);
    expect(readFileSync(path.join(cwd, ".env"), "utf8")).toContain('APP_ID="666"');
  });

  it("refuses to start in production", async () => {
    const env = parseEnv({});
    await expect(startSetup(env, pino({ level: "silent" }), { nodeEnv: "production" })).rejects.toThrow(/APP_ID/);
  });

  it("knows which webhook URLs GitHub cannot reach", () => {
    expect(isPublic("http://localhost:3000/api/github/webhooks")).toBe(false);
    expect(isPublic("http://127.0.0.1:3000/x")).toBe(false);
    expect(isPublic("http://192.168.1.5/x")).toBe(false);
    expect(isPublic("http://myhost:3000/x")).toBe(false);
    expect(isPublic("https://agent.example.com/api/github/webhooks")).toBe(true);
    expect(isPublic("https://smee.io/abc")).toBe(true);
  });

  it("writeDotEnv replaces keys in place and appends new ones", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dotenv-"));
    dirs.push(dir);
    const file = path.join(dir, ".env");
    writeDotEnv(file, { A: "1" });
    writeDotEnv(file, { B: "two", A: "3" });
    expect(readFileSync(file, "utf8")).toBe('A="3"\nB="two"\n');
  });
});
