/**
 * Without APP_ID the app serves the GitHub App manifest flow (what Probot's setup mode does, with
 * the parts that went wrong fixed):
 * - `GET /probot`: a page that registers the App on GitHub from `app.yml`, with
 *   - the webhook URL GitHub will call, `<AGENT_PUBLIC_URL or this page's address><WEBHOOK_PATH>`
 *     (or WEBHOOK_PROXY_URL), and a plain warning when that address is one GitHub cannot reach;
 *   - an App name the user can edit: GitHub App names are global, so the default is app.yml's name
 *     plus a random suffix (or AGENT_APP_NAME);
 * - `GET /probot/setup?code=`: GitHub's redirect; the code is exchanged for the App's id, key and
 *   webhook secret, which are written to `.env`; then on to installing the App;
 * - `/probot/import`: use an existing App, with the exact webhook URL to set on it.
 * Restart after either to serve webhooks. With NODE_ENV=production setup mode is refused.
 */
import { ghOrgSetting, nodeEnvSetting } from "../config/process-env.js";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import type { Logger } from "pino";
import YAML from "yaml";
import type { Env } from "../config/env.js";
import type { RunningServer } from "./start-server.js";

export type SetupEnv = Pick<
  Env,
  "PORT" | "HOST" | "WEBHOOK_PATH" | "WEBHOOK_PROXY_URL" | "GHE_HOST" | "GHE_PROTOCOL" | "AGENT_PUBLIC_URL" | "AGENT_APP_NAME" | "githubApiUrl"
>;

export interface StartSetupOptions {
  /** Where `.env` is written (default: the working directory). */
  cwd?: string;
  /** GitHub's manifest conversion (tests inject a fake). */
  fetch?: typeof fetch;
  nodeEnv?: string | undefined;
  ghOrg?: string | undefined;
}

interface Manifest {
  name?: string;
  url?: string;
  hook_attributes?: { url?: string; active?: boolean };
  redirect_url?: string;
  [key: string]: unknown;
}

export async function startSetup(env: SetupEnv, log: Logger, options: StartSetupOptions = {}): Promise<RunningServer> {
  if ((options.nodeEnv ?? nodeEnvSetting()) === "production") {
    throw new Error("App ID is missing, and is required to run in production mode. To resolve, ensure the APP_ID environment variable is set.");
  }
  const cwd = options.cwd ?? process.cwd();
  const base = readManifest(cwd);
  const defaultName = env.AGENT_APP_NAME ?? `${String(base.name ?? "issue-agent")}-${randomBytes(3).toString("hex")}`;
  const githubWeb = env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}` : "https://github.com";
  const ghOrg = options.ghOrg ?? ghOrgSetting();
  // GitHub hands `state` back with the code: a code that arrives without ours was not started on
  // this page (another site could send the browser here with a code for an App of its own).
  const state = randomBytes(16).toString("hex");
  const createAppUrl = `${githubWeb}${ghOrg ? `/organizations/${encodeURIComponent(ghOrg)}` : ""}/settings/apps/new?state=${state}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const origin = env.AGENT_PUBLIC_URL ?? requestOrigin(req);
    const webhookUrl = env.WEBHOOK_PROXY_URL ?? `${origin}${env.WEBHOOK_PATH}`;
    if (req.method === "GET" && url.pathname === "/") return void res.writeHead(302, { location: "/probot" }).end();
    if (req.method === "GET" && url.pathname === "/probot") {
      const manifest: Manifest = {
        ...base,
        name: url.searchParams.get("name") || defaultName,
        url: base.url ?? origin,
        hook_attributes: { ...base.hook_attributes, url: webhookUrl, active: true },
        redirect_url: `${requestOrigin(req)}/probot/setup`,
      };
      return html(res, 200, setupPage({ manifest, createAppUrl, webhookUrl, reachable: isPublic(webhookUrl) }));
    }
    if (req.method === "GET" && url.pathname === "/probot/setup") {
      const code = url.searchParams.get("code");
      if (!code) return void res.writeHead(400, { "content-type": "text/plain" }).end("code missing or invalid");
      if (url.searchParams.get("state") !== state) {
        return void res
          .writeHead(400, { "content-type": "text/plain" })
          .end("this registration was not started from this setup page (state mismatch): register again from /probot");
      }
      const app = await convertManifest(env.githubApiUrl, code, options.fetch ?? fetch);
      writeDotEnv(path.join(cwd, ".env"), { APP_ID: String(app.id), PRIVATE_KEY: app.pem, WEBHOOK_SECRET: app.webhook_secret });
      log.info(
        { appId: app.id, slug: app.slug },
        `GitHub App "${app.name}" registered; APP_ID, PRIVATE_KEY and WEBHOOK_SECRET are in .env. Restart to serve webhooks.`,
      );
      return void res.writeHead(302, { location: `${app.html_url}/installations/new` }).end();
    }
    if (req.method === "GET" && url.pathname === "/probot/import") return html(res, 200, importPage(webhookUrl, isPublic(webhookUrl)));
    if (req.method === "POST" && url.pathname === "/probot/import") {
      // JSON only: a cross-site form cannot send it without a CORS preflight, which is never
      // answered, so another web page cannot plant its own App's credentials in .env.
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return void res.writeHead(415, { "content-type": "text/plain" }).end("send application/json");
      }
      const body = JSON.parse(await readBody(req)) as { appId?: string; pem?: string; webhook_secret?: string };
      if (!body.appId || !body.pem || !body.webhook_secret)
        return void res.writeHead(400, { "content-type": "text/plain" }).end("appId, pem and webhook_secret are required");
      writeDotEnv(path.join(cwd, ".env"), { APP_ID: String(body.appId), PRIVATE_KEY: body.pem, WEBHOOK_SECRET: body.webhook_secret });
      log.info({ appId: body.appId }, "existing GitHub App imported into .env. Restart to serve webhooks.");
      return void res.writeHead(200).end();
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, "setup request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("setup failed; see the app's log");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST ?? "localhost", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log.info(
    { port },
    `setup mode: no APP_ID yet. Open http://${env.HOST && env.HOST !== "0.0.0.0" ? env.HOST : "localhost"}:${port} to register the GitHub App (or import an existing one), then restart.`,
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readManifest(cwd: string): Manifest {
  for (const file of [path.join(cwd, "app.yml"), new URL("../../app.yml", import.meta.url).pathname]) {
    if (existsSync(file)) return (YAML.parse(readFileSync(file, "utf8")) ?? {}) as Manifest;
  }
  return {};
}

function requestOrigin(req: IncomingMessage): string {
  const forwardedProto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    ?.trim();
  const protocol = forwardedProto || ("encrypted" in req.socket && req.socket.encrypted ? "https" : "http");
  const host = String(req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost")
    .split(",")[0]
    ?.trim();
  return `${protocol}://${host}`;
}

/** Whether GitHub could plausibly deliver to this URL (not localhost or a private address). */
export function isPublic(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return !/^(localhost|127\.|0\.0\.0\.0|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?$|[^.]+$)/i.test(host);
}

async function convertManifest(
  apiUrl: string,
  code: string,
  doFetch: typeof fetch,
): Promise<{ id: number; slug: string; name: string; html_url: string; pem: string; webhook_secret: string }> {
  const res = await doFetch(`${apiUrl}/app-manifests/${encodeURIComponent(code)}/conversions`, {
    method: "POST",
    headers: { accept: "application/vnd.github+json", "user-agent": "issue-agent-setup" },
  });
  if (!res.ok) throw new Error(`GitHub refused the manifest code (HTTP ${res.status}); register again from /probot`);
  return (await res.json()) as { id: number; slug: string; name: string; html_url: string; pem: string; webhook_secret: string };
}

/** Set keys in `.env`, keeping every other line; the PEM is written on one line with `\n` escapes. */
export function writeDotEnv(file: string, values: Record<string, string>): void {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
  const rendered = (key: string, value: string) => `${key}="${value.replace(/\r?\n/g, "\\n").replace(/"/g, '\\"')}"`;
  const pending = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const key = /^\s*([A-Z0-9_]+)\s*=/.exec(line)?.[1];
    if (key && pending.has(key)) {
      const value = pending.get(key) ?? "";
      pending.delete(key);
      return rendered(key, value);
    }
    return line;
  });
  while (out.length > 0 && out.at(-1) === "") out.pop();
  for (const [key, value] of pending) out.push(rendered(key, value));
  writeFileSync(file, `${out.join("\n")}\n`, { mode: 0o600 });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
}

function unreachableWarning(webhookUrl: string): string {
  return `<p class="warn"><strong>GitHub cannot reach <code>${escapeHtml(webhookUrl)}</code>.</strong> Before registering, either set
  <code>AGENT_PUBLIC_URL</code> to the public https address of this app (the webhook URL becomes that address plus
  <code>/api/github/webhooks</code>), or set <code>WEBHOOK_PROXY_URL</code> to a channel from <a href="https://smee.io/new">smee.io</a>
  for local development, and restart. You can also register now and change the Webhook URL later in the App's settings.</p>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
code{background:#f6f8fa;padding:.1em .3em;border-radius:4px}.warn{background:#fff8c5;border:1px solid #d4a72c;padding:.75rem;border-radius:6px}
input{font:inherit;padding:.3rem;width:20rem}button{font:inherit;padding:.4rem 1rem;margin-top:1rem}`;

function setupPage(p: { manifest: Manifest; createAppUrl: string; webhookUrl: string; reachable: boolean }): string {
  const json = JSON.stringify(p.manifest);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Setup Your App: issue-agent</title><style>${STYLE}</style></head>
<body>
<h1>Setup Your App</h1>
<p>Register issue-agent as a GitHub App on ${escapeHtml(new URL(p.createAppUrl).host)}, with the permissions and events in <code>app.yml</code>.</p>
<form action="${escapeHtml(p.createAppUrl)}" method="post">
  <label>App name (unique on GitHub): <input id="app-name" value="${escapeHtml(String(p.manifest.name))}"></label>
  <p>Webhook URL GitHub will call: <code id="webhook-url">${escapeHtml(p.webhookUrl)}</code></p>
  ${p.reachable ? "" : unreachableWarning(p.webhookUrl)}
  <input type="hidden" name="manifest" id="manifest" value='${json.replace(/&/g, "&amp;").replace(/'/g, "&#39;")}'>
  <button type="submit">Register GitHub App</button> or <a href="/probot/import">use an existing GitHub App</a>
</form>
<script>
  const field = document.getElementById("manifest");
  document.getElementById("app-name").addEventListener("input", (e) => {
    const m = JSON.parse(field.value);
    m.name = e.target.value;
    field.value = JSON.stringify(m);
  });
</script>
<p>After GitHub creates the App, this page writes <code>APP_ID</code>, <code>PRIVATE_KEY</code> and <code>WEBHOOK_SECRET</code> into <code>.env</code> and sends you on to install it. Then restart the app.</p>
</body></html>`;
}

function importPage(webhookUrl: string, reachable: boolean): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Use an existing GitHub App: issue-agent</title><style>${STYLE}</style></head>
<body>
<h1>Use an existing GitHub App</h1>
<p>In the App's settings on GitHub, set the <strong>Webhook URL</strong> to <code id="webhook-url">${escapeHtml(webhookUrl)}</code>
and give it the permissions and events listed in the README. Then paste its credentials here (they are written to <code>.env</code>).</p>
${reachable ? "" : unreachableWarning(webhookUrl)}
<form id="import">
  <p><label>App ID <input name="appId" required></label></p>
  <p><label>Webhook secret <input name="webhook_secret" required></label></p>
  <p><label>Private key (.pem contents)<br><textarea name="pem" rows="8" cols="64" required></textarea></label></p>
  <button type="submit">Save to .env</button> <span id="result"></span>
</form>
<script>
  document.getElementById("import").addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target));
    const res = await fetch("/probot/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) });
    document.getElementById("result").textContent = res.ok ? "Saved. Restart the app." : "Failed: " + (await res.text());
  });
</script>
</body></html>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy(new Error("body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
