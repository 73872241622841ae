/**
 * The operator's view of the system, served by the web process: `GET /` is a small server-rendered
 * page (no build step, no script; it reloads itself every 10 s) and `GET /api/runs` the same data
 * as JSON:
 * - running and queued jobs: kind, repository, issue/PR link, age, turns and cost so far, step;
 * - recent finished jobs: outcome, reason, PR link, turns, tokens, cost, duration;
 * - today's (UTC) spend per repository and per installation against the daily caps.
 *
 * It shows nothing to the internet by default: without AGENT_DASHBOARD_TOKEN both paths answer 404.
 * With it, a request needs `Authorization: Bearer <token>` or HTTP basic auth whose password is the
 * token (any user name, so a browser's login prompt works); otherwise 401.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JobListing, JobQueue, ListedJob } from "../jobs/types.js";
import type { SpendLedger, SpendToday } from "../tasks/spend-ledger.js";

export interface StatusPageOptions {
  token: string | undefined;
  queue: Pick<JobQueue, "list">;
  spend: Pick<SpendLedger, "today">;
  /** https://github.com or the GHE host: issue and PR links. */
  githubWebUrl: string;
  version: string;
  now?: () => number;
}

export interface RunsView {
  generatedAt: string;
  version: string;
  running: RunView[];
  queued: RunView[];
  finished: RunView[];
  spend: SpendToday;
}

export interface RunView {
  id: string;
  kind: string;
  state: ListedJob["state"];
  repo: string | null;
  number: number | null;
  url: string | null;
  prUrl: string | null;
  attempt: number;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Running: since it started; queued: since it was enqueued; finished: how long it ran. */
  ageSeconds: number | null;
  step: string | null;
  turns: number | null;
  tokens: number | null;
  /** null: not known yet, or the model has no price (`costKnown` false). */
  costUsd: number | null;
  costKnown: boolean;
  outcome: string | null;
  reason: { code: string; message: string } | null;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createStatusHandler(options: StatusPageOptions): Handler {
  const now = options.now ?? Date.now;
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/" && url.pathname !== "/api/runs") return false;
    if (!options.token) return false; // disabled: the next handler answers 404
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (!authorized(req.headers.authorization, options.token)) {
      res.writeHead(401, {
        "www-authenticate": 'Basic realm="issue-agent status", charset="UTF-8"',
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
      });
      res.end("Unauthorized: send the AGENT_DASHBOARD_TOKEN as a bearer token or as the basic-auth password.\n");
      return true;
    }
    const view = await buildRunsView(options, now());
    const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
    if (url.pathname === "/api/runs") {
      res.writeHead(200, { ...headers, "content-type": "application/json; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify(view));
    } else {
      res.writeHead(200, {
        ...headers,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      });
      res.end(req.method === "HEAD" ? undefined : renderStatusPage(view));
    }
    return true;
  };
}

/** Constant-time comparison of the presented token (bearer, or basic-auth password) with ours. */
export function authorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  let presented: string | undefined;
  const [scheme, value = ""] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer") presented = value;
  else if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    presented = decoded.slice(decoded.indexOf(":") + 1);
  }
  if (presented === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

export async function buildRunsView(options: Pick<StatusPageOptions, "queue" | "spend" | "githubWebUrl" | "version">, now: number): Promise<RunsView> {
  const [jobs, spend]: [JobListing, SpendToday] = await Promise.all([options.queue.list({ finished: 25 }), options.spend.today()]);
  const view = (job: ListedJob): RunView => {
    const f = job.facts;
    const since = job.state === "running" ? (f.startedAt ?? job.startedAt) : job.state === "queued" ? job.enqueuedAt : (f.startedAt ?? job.startedAt);
    const until = job.state === "finished" ? (job.finishedAt ?? now) : now;
    const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);
    return {
      id: job.id,
      kind: job.kind,
      state: job.state,
      repo: f.repo ?? null,
      number: f.number ?? null,
      url: f.repo && f.number !== undefined ? `${options.githubWebUrl}/${f.repo}/issues/${f.number}` : null,
      prUrl: f.prUrl ?? null,
      attempt: job.attempt,
      enqueuedAt: iso(job.enqueuedAt),
      startedAt: iso(f.startedAt ?? job.startedAt),
      finishedAt: iso(job.finishedAt),
      ageSeconds: since ? Math.max(0, Math.round((until - since) / 1000)) : null,
      step: job.state === "running" ? (f.step ?? null) : null,
      turns: f.turns ?? null,
      tokens: f.tokens ?? null,
      costUsd: typeof f.costUsd === "number" ? f.costUsd : null,
      costKnown: f.costUsd !== null,
      outcome: job.outcome,
      reason: f.errorCode || f.errorMessage ? { code: f.errorCode ?? "internal", message: f.errorMessage ?? "" } : null,
    };
  };
  return {
    generatedAt: new Date(now).toISOString(),
    version: options.version,
    running: jobs.running.map(view),
    queued: jobs.queued.map(view),
    finished: jobs.finished.map(view),
    spend,
  };
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

function money(usd: number | null, known = true): string {
  if (!known) return "cost unknown";
  return usd === null ? "—" : `$${usd.toFixed(2)}`;
}

function link(href: string | null, text: string): string {
  return href && /^https?:\/\//.test(href) ? `<a href="${esc(href)}" rel="noreferrer">${esc(text)}</a>` : esc(text);
}

function subject(run: RunView): string {
  if (!run.repo) return "—";
  return link(run.url, run.number !== null ? `${run.repo}#${run.number}` : run.repo);
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

function capCell(usd: number, cap: number | null): string {
  const share = cap ? Math.min(100, Math.round((usd / cap) * 100)) : null;
  return `${money(usd)} of ${cap === null ? "no cap" : money(cap)}${share === null ? "" : ` <meter min="0" max="100" value="${share}">${share}%</meter> ${share}%`}`;
}

export function renderStatusPage(view: RunsView): string {
  const running = view.running.map((r) => [
    esc(r.kind),
    subject(r),
    duration(r.ageSeconds),
    r.turns === null ? "—" : String(r.turns),
    money(r.costUsd, r.costKnown),
    esc(r.step ?? ""),
    r.attempt > 1 ? `attempt ${r.attempt}` : "",
  ]);
  const queued = view.queued.map((r) => [esc(r.kind), subject(r), duration(r.ageSeconds)]);
  const finished = view.finished.map((r) => [
    `<span class="outcome ${esc(r.outcome ?? "")}">${esc(r.outcome ?? "—")}</span>`,
    esc(r.kind),
    subject(r),
    r.prUrl ? link(r.prUrl, "pull request") : "—",
    r.turns === null ? "—" : String(r.turns),
    money(r.costUsd, r.costKnown),
    duration(r.ageSeconds),
    r.finishedAt ? esc(r.finishedAt.replace("T", " ").slice(0, 19)) : "—",
    r.reason ? `<code>${esc(r.reason.code)}</code> ${esc(r.reason.message.slice(0, 300))}` : "",
  ]);
  const repos = view.spend.repositories.map((s) => [esc(s.repo), capCell(s.usd, view.spend.caps.perRepoPerDay)]);
  const installations = view.spend.installations.map((s) => [esc(String(s.installationId)), capCell(s.usd, view.spend.caps.perInstallationPerDay)]);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="10">
<title>issue-agent status</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1f2328}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa}.empty{color:#656d76}.outcome{font-weight:600}.succeeded{color:#1a7f37}.failed,.error{color:#cf222e}
.budget_exhausted{color:#9a6700}code{font-size:.9em}small{color:#656d76}
</style></head>
<body>
<h1>issue-agent status</h1>
<p><small>v${esc(view.version)} · ${esc(view.generatedAt)} · refreshes every 10 s · <a href="/api/runs">JSON</a></small></p>
<h2 id="running">Running (${view.running.length})</h2>
${table(["Kind", "Issue / PR", "Age", "Turns", "Cost so far", "Step", ""], running, "Nothing is running.")}
<h2 id="queued">Queued (${view.queued.length})</h2>
${table(["Kind", "Issue / PR", "Waiting"], queued, "Nothing is waiting.")}
<h2 id="finished">Recent finished jobs</h2>
${table(["Outcome", "Kind", "Issue / PR", "Result", "Turns", "Cost", "Duration", "Finished (UTC)", "Reason"], finished, "No finished jobs yet.")}
<h2 id="spend">Spend today (${esc(view.spend.day)}, UTC)</h2>
${table(["Repository", "Spent / daily cap"], repos, "No model spend today.")}
${installations.length ? table(["Installation", "Spent / daily cap"], installations, "") : ""}
</body></html>`;
}
