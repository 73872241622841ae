/**
 * The whole job through the real entry point: src/main.ts spawned as `npm start` runs it, a signed
 * `issues.labeled` delivery, the embedded queue and in-process worker of that same process, its own
 * installation auth against GHE_HOST (a fake GitHub REST server here), a clone from and a push to a
 * real git server, the agent driven by a scripted model, and the pull request opened.
 * Unlike test/integration/flows/*, nothing is wired by the test: only the child's environment.
 */
import { waitFor } from "../helpers/wait-for.js";
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createGitDataBackend, type GitDataBackend } from "../helpers/fake-git-data.js";
import { startFakeModel, type FakeModel } from "../helpers/fake-model.js";
import { gitAsync } from "../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../helpers/git-server.js";
import { FIXTURE_INSTALLATION_ID, loadWebhook, signDelivery } from "../helpers/webhook-fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = path.join(ROOT, "src/main.ts");
const TSX = import.meta.resolve("tsx");
const SECRET = "main-e2e-webhook-secret";
const MODEL_KEY = "sk-test-main-e2e-0123456789abcdefghij";
/** Classic installation-token shape (ghs_ + 36), so the redactor recognises it. */
const TOKEN = "ghs_MainE2eTokenAbCdEfGhIjKlMnOpQrStUv";
const OWNER = "Codertocat";
const REPO = "Hello-World";
const REPO_PATH = `/api/v3/repos/${OWNER}/${REPO}`;
const ISSUE = 1;
const PR_NUMBER = 77;
const BRANCH = "agent/issue-1-add-a-greeting-file";
const PATCH = "*** Begin Patch\n*** Add File: GREETING.md\n+hello from the agent\n*** End Patch";
const APP_SLUG = "issue-agent-e2e";
const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

interface Call {
  method: string;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, poked into by assertions
  body: any;
  status: number;
}

interface FakeGitHub {
  baseHost: string;
  calls: Call[];
  unknown: Call[];
  close(): Promise<void>;
}

type Reply = [number, unknown];

/** Just enough of GitHub's REST API (GHE layout, /api/v3) for one resolve-issue run. */
async function startFakeGitHub(gitData: GitDataBackend): Promise<FakeGitHub> {
  const calls: Call[] = [];
  const unknown: Call[] = [];
  let nextCommentId = 9000;
  const comments = new Map<number, string>();
  let prs: unknown[] = [];

  const route = (method: string, p: string, body: Record<string, unknown> | undefined): Reply | undefined => {
    const repoRest = p.startsWith(`${REPO_PATH}/`) ? p.slice(REPO_PATH.length) : undefined;
    if (method === "POST" && p === `/api/v3/app/installations/${FIXTURE_INSTALLATION_ID}/access_tokens`) {
      return [
        201,
        { token: TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: body?.permissions ?? {}, repository_selection: "selected" },
      ];
    }
    // The app learns its slug from GET /app (no APP_SLUG in the environment).
    if (method === "GET" && p === "/api/v3/app")
      return [200, { id: 4242, slug: APP_SLUG, name: "Issue Agent E2E", html_url: `https://github.example/apps/${APP_SLUG}` }];
    // No agent.yml (repository or the owner's .github repository), AGENTS.md or PR template.
    if (method === "GET" && /^\/api\/v3\/repos\/[^/]+\/[^/]+\/contents\//.test(p)) return [404, { message: "Not Found" }];
    if (repoRest === undefined) return undefined;
    const permission = /^\/collaborators\/([^/]+)\/permission$/.exec(repoRest);
    if (method === "GET" && permission) return [200, { permission: "admin", role_name: "admin", user: { login: permission[1] } }];
    if (method === "POST" && /^\/issues\/(\d+|comments\/\d+)\/reactions$/.test(repoRest)) return [201, { id: 1, content: body?.content ?? "eyes" }];
    if (method === "POST" && repoRest === `/issues/${ISSUE}/comments`) {
      const id = nextCommentId++;
      comments.set(id, String(body?.body ?? ""));
      return [201, { id, body: body?.body, html_url: `https://github.example/${OWNER}/${REPO}/issues/${ISSUE}#issuecomment-${id}` }];
    }
    const comment = /^\/issues\/comments\/(\d+)$/.exec(repoRest);
    if (comment && comments.has(Number(comment[1]))) {
      if (method === "PATCH") {
        comments.set(Number(comment[1]), String(body?.body ?? ""));
        return [200, { id: Number(comment[1]), body: body?.body }];
      }
      if (method === "GET") return [200, { id: Number(comment[1]), body: comments.get(Number(comment[1])) }];
    }
    if (method === "DELETE" && repoRest === `/issues/${ISSUE}/labels/agent`) return [200, []];
    if (method === "POST" && repoRest === "/labels")
      return [422, { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] }];
    if (method === "GET" && repoRest === `/issues/${ISSUE}`) {
      return [
        200,
        {
          number: ISSUE,
          title: "Add a greeting file",
          body: "Please add GREETING.md.",
          state: "open",
          user: { login: OWNER, id: 21031067, type: "User" },
          labels: [{ name: "agent" }],
        },
      ];
    }
    if (method === "GET" && repoRest === `/issues/${ISSUE}/comments`) return [200, []];
    if (method === "GET" && repoRest === "/pulls") return [200, prs];
    if (method === "POST" && repoRest === "/pulls") {
      const pr = {
        number: PR_NUMBER,
        html_url: `https://github.example/${OWNER}/${REPO}/pull/${PR_NUMBER}`,
        head: { ref: body?.head, repo: { full_name: `${OWNER}/${REPO}` } },
        title: body?.title,
        body: body?.body,
      };
      prs = [pr];
      return [201, pr];
    }
    // The Git Data API over the git server's repository: the commit is made there, as the app.
    if (repoRest.startsWith("/git/")) return gitData.route(method, decodeURIComponent(repoRest), body);
    // The run transcript check run.
    if (method === "POST" && repoRest === "/check-runs")
      return [201, { id: 555, name: body?.name, html_url: `https://github.example/${OWNER}/${REPO}/runs/555` }];
    if (
      method === "POST" &&
      (repoRest === `/issues/${PR_NUMBER}/labels` || repoRest === `/issues/${PR_NUMBER}/assignees` || repoRest === `/pulls/${PR_NUMBER}/requested_reviewers`)
    )
      return [201, {}];
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "GET";
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      let body: Record<string, unknown> | undefined;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const reply = route(method, url.pathname, body);
      const call: Call = { method, path: url.pathname, body, status: reply?.[0] ?? 404 };
      calls.push(call);
      if (!reply) unknown.push(call);
      res.writeHead(call.status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(reply?.[1] ?? { message: "Not Found (fake GitHub has no such route)" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseHost: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    unknown,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function waitUntil<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  detail: () => string,
  failed?: () => boolean,
): Promise<T> {
  return waitFor(probe, { what, timeoutMs, intervalMs: 200, detail, ...(failed ? { failed } : {}), until: "defined" }) as Promise<T>;
}

describe("npm start runs a whole job", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each(["responses", "chat"] as const)(
    "labelled issue -> clone, agent, API commit of agent/issue-1-..., PR opened, status comment final (wire API %s)",
    async (wireApi) => {
      const workDir = mkdtempSync(path.join(tmpdir(), "ia-main-e2e-"));
      cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
      const git: GitServer = await startGitServer({ token: TOKEN });
      cleanups.push(() => git.close());
      const cloneUrl = await git.createBareRepo(REPO, { "README.md": "# demo\n" });
      const model: FakeModel = await startFakeModel({
        script: [
          { toolCalls: [{ name: "apply_patch", arguments: { input: PATCH } }] },
          { text: "Title: Add a greeting file\n\nAdded GREETING.md with a friendly line." },
        ],
      });
      cleanups.push(() => model.close());
      const gitData = createGitDataBackend(git.repoPath(REPO), { bot: `${APP_SLUG}[bot]` }); // GitHub authors API commits as the app
      const gh = await startFakeGitHub(gitData);
      cleanups.push(() => gh.close());

      const port = await freePort();
      const child: ChildProcess = spawn(process.execPath, ["--import", TSX, MAIN], {
        cwd: workDir,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: workDir,
          APP_ID: "4242",
          PRIVATE_KEY: PEM,
          WEBHOOK_SECRET: SECRET,
          PORT: String(port),
          HOST: "127.0.0.1",
          GHE_HOST: gh.baseHost,
          GHE_PROTOCOL: "http",
          OPENAI_BASE_URL: model.baseURL,
          OPENAI_API_KEY: MODEL_KEY,
          AGENT_WIRE_API: wireApi,
          AGENT_DATA_DIR: path.join(workDir, "data"),
          LOG_LEVEL: "info",
          LOG_FORMAT: "json",
          NODE_ENV: "test",
          NO_SMEE_SETUP: "true",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      cleanups.push(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      const diagnostics = () =>
        `GitHub calls:\n${gh.calls.map((c) => `  ${c.method} ${c.path} -> ${c.status}`).join("\n")}\nmodel requests: ${model.requests.length}\ngit requests: ${git.requests.map((r) => `${r.method} ${r.service} ${r.status}`).join(", ")}\nchild output (tail):\n${output.slice(-6000)}`;

      const base = `http://127.0.0.1:${port}`;
      await waitUntil("/healthz", async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200 || undefined, 20_000, diagnostics);

      const payload = loadWebhook("issues.labeled", {
        label: { name: "agent" },
        issue: { number: ISSUE, title: "Add a greeting file", body: "Please add GREETING.md.", state: "open" },
        repository: { clone_url: cloneUrl, default_branch: "main" },
        installation: { id: FIXTURE_INSTALLATION_ID },
      });
      const delivery = await signDelivery("issues", payload, SECRET);
      const t0 = Date.now();
      const ack = await fetch(`${base}/api/github/webhooks`, { method: "POST", headers: delivery.headers, body: delivery.body });
      expect(ack.status).toBeGreaterThanOrEqual(200);
      expect(ack.status).toBeLessThan(300);
      expect(Date.now() - t0).toBeLessThan(5000);

      // The job's last act is the final edit of the status comment, linking the pull request.
      const prUrl = `https://github.example/${OWNER}/${REPO}/pull/${PR_NUMBER}`;
      const finalEdit = await waitUntil(
        "the status comment to link the pull request",
        () => gh.calls.find((c) => c.method === "PATCH" && /\/issues\/comments\/\d+$/.test(c.path) && String(c.body?.body ?? "").includes(prUrl)),
        60_000,
        diagnostics,
        // A job that finished any other way will not get there: fail now, with its log.
        () => /"msg":"job finished"/.test(output) && !/"outcome":"succeeded"[^\n]*"msg":"job finished"/.test(output),
      );
      await waitUntil("the job to finish", () => (/"outcome":"succeeded"[^\n]*"msg":"job finished"/.test(output) ? true : undefined), 10_000, diagnostics);
      const statusEdits = gh.calls.filter((c) => c.method === "PATCH" && c.path === finalEdit.path);
      expect(statusEdits.at(-1)).toBe(finalEdit); // nothing overwrote the final state
      expect(String(finalEdit.body.body)).toContain(`### ✅ Done: resolving issue #${ISSUE}`);
      expect(String(finalEdit.body.body)).toContain(`**Pull request:** ${prUrl}`);
      expect(String(finalEdit.body.body)).toContain("`GREETING.md`");

      // The branch is on the git server with the agent's file, on top of main.
      const bare = git.repoPath(REPO);
      expect(await gitAsync(bare, ["show", `${BRANCH}:GREETING.md`])).toContain("hello from the agent");
      expect(await gitAsync(bare, ["rev-parse", `${BRANCH}~1`])).toBe(await gitAsync(bare, ["rev-parse", "main"]));
      // Committed through the Git Data API (GitHub signs it), not pushed with git.
      expect(git.pushes).toEqual([]);
      expect(gitData.commits.map((c) => c.sha)).toEqual([await gitAsync(bare, ["rev-parse", BRANCH])]);
      expect(String(finalEdit.body.body)).toContain("Verified");
      // isomorphic-git asks anonymously first; whatever credentials it sent were the installation token's.
      expect(git.requests.filter((r) => r.authorization !== undefined && !r.authorized)).toEqual([]);
      expect(git.requests.filter((r) => r.status === 200).every((r) => r.authorized)).toBe(true);

      // The pull request: head = that branch, base = the default branch, closing the issue.
      const opened = gh.calls.filter((c) => c.method === "POST" && c.path === `${REPO_PATH}/pulls`);
      expect(opened, diagnostics()).toHaveLength(1);
      expect(opened[0]?.body).toMatchObject({ head: BRANCH, base: "main", title: "Add a greeting file" });
      expect(String(opened[0]?.body.body)).toContain(`Closes #${ISSUE}`);

      // Installation auth went to GHE_HOST (the child's own Probot), scoped to the repository.
      const tokenCalls = gh.calls.filter((c) => c.path.endsWith("/access_tokens"));
      expect(tokenCalls.length).toBeGreaterThan(0);
      expect(tokenCalls.map((c) => c.body?.repository_ids)).toContainEqual([payload.repository.id]);
      expect(model.turnRequests()).toHaveLength(2);

      // The slug came from GET /app: the commit is authored by <slug>[bot], and the operator saw it.
      expect(await gitAsync(bare, ["log", "-1", "--format=%an", BRANCH])).toBe(`${APP_SLUG}[bot]`);
      expect(output).toContain(`app identity: ${APP_SLUG}[bot]`);
      // The trigger label was ensured on this first run in the repository.
      expect(gh.calls.filter((c) => c.method === "POST" && c.path === `${REPO_PATH}/labels`).map((c) => c.body?.name)).toEqual(["agent"]);
      // The operator's line for the job: outcome, repository, issue, PR URL, turns, tokens.
      const finished = output.split("\n").find((l) => l.includes('"msg":"job finished"'));
      expect(JSON.parse(finished ?? "{}")).toMatchObject({ outcome: "succeeded", repo: `${OWNER}/${REPO}`, number: ISSUE, prUrl, turns: 2 });

      // Every route the flow used was one the fake knows.
      expect(gh.unknown.map((c) => `${c.method} ${c.path}`)).toEqual([]);

      // The token never leaks: not in the logs, not in anything posted to GitHub.
      const posted = JSON.stringify(gh.calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/access_tokens")).map((c) => c.body));
      expect(posted).not.toContain(TOKEN);
      expect(posted).not.toContain(MODEL_KEY);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(MODEL_KEY);
      expect(output).not.toContain(SECRET);
      expect(output).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    },
    75_000,
  );
});
