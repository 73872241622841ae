/**
 * A real smart-HTTP git server for tests: the machine's `git http-backend` run as CGI behind
 * node:http on 127.0.0.1, serving bare repositories from a temporary directory.
 *
 *   const server = await startGitServer({ token: "ghs_test" });
 *   const url = await server.createBareRepo("demo", { "README.md": "hi\n" });
 *   // ... clone/push `url` with onAuth -> { username: "x-access-token", password: "ghs_test" }
 *   server.requests   // every request: method, repo, service, status, whether auth was accepted
 *   server.pushes     // every receive-pack POST with the ref updates it asked for
 *   server.git("demo", ["log", "--format=%H %s", "main"])  // inspect with native git
 *   await server.close();
 *
 * Basic auth accepts only `x-access-token:<token>`; anything else gets 401 and is recorded.
 * The server runs in the test's own process: talk to it with async clients only (isomorphic-git,
 * `gitAsync` from git-fixtures.ts). A synchronous `execFileSync("git", ["clone", url])` blocks the
 * event loop that serves it and hangs. `createBareRepo`, `commit` and `git` work on the bare
 * repository's path directly, so they are safe.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { NATIVE_GIT_ENV, git, makeTempDir, makeWorkRepo, writeFixtureFiles, type FixtureFiles } from "./git-fixtures.js";

export interface RecordedRequest {
  method: string;
  /** Repository name without `.git`. */
  repo: string;
  /** `git-upload-pack` (fetch/clone) or `git-receive-pack` (push). */
  service: "git-upload-pack" | "git-receive-pack" | "other";
  /** `info/refs` discovery or the `POST` that moves data. */
  phase: "discover" | "rpc" | "other";
  status: number;
  authorized: boolean;
  /** The raw Authorization header, so a test can assert exactly what the client sent. */
  authorization: string | undefined;
}

export interface RefUpdate {
  ref: string;
  oldSha: string;
  newSha: string;
}

export interface RecordedPush {
  repo: string;
  updates: RefUpdate[];
  status: number;
}

export interface CommitOptions {
  files: FixtureFiles;
  /** Branch to start from and update; default `main`. */
  branch?: string;
  /** Ref to push the new commit to, e.g. `refs/pull/1/head`; default `refs/heads/<branch>`. */
  ref?: string;
  message?: string;
}

export interface GitServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Directory holding `<name>.git` bare repositories. */
  readonly root: string;
  readonly requests: RecordedRequest[];
  readonly pushes: RecordedPush[];
  /** Clone URL of a repository: `<baseUrl>/<name>.git` (no credentials in it). */
  urlFor(name: string): string;
  /** Absolute path of the bare repository. */
  repoPath(name: string): string;
  /** Create `<name>.git` with one commit of `files` on `main` (native git, fixed dates); returns its URL. */
  createBareRepo(name: string, files: FixtureFiles, message?: string): Promise<string>;
  /** Add a commit on top of `branch` and push it natively (no HTTP, not recorded); returns its sha. */
  commit(name: string, options: CommitOptions): Promise<string>;
  /** Run native git inside the bare repository; returns trimmed stdout. */
  git(name: string, args: readonly string[]): string;
  /** Install a hook script (e.g. `pre-receive`) in the bare repository. */
  setHook(name: string, hook: string, script: string): void;
  /** Forget recorded requests and pushes. */
  resetLog(): void;
  close(): Promise<void>;
}

export interface GitServerOptions {
  /** The only password accepted, with user `x-access-token`. */
  token: string;
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const root = makeTempDir("ia-git-server-");
  const requests: RecordedRequest[] = [];
  const pushes: RecordedPush[] = [];
  const expectedAuth = `Basic ${Buffer.from(`x-access-token:${options.token}`).toString("base64")}`;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const match = /^\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
    const repo = match?.[1] ?? "";
    const rest = match?.[2] ?? "";
    const service =
      url.searchParams.get("service") ??
      (rest.endsWith("/git-upload-pack") ? "git-upload-pack" : rest.endsWith("/git-receive-pack") ? "git-receive-pack" : "other");
    const record: RecordedRequest = {
      method,
      repo,
      service: service === "git-upload-pack" || service === "git-receive-pack" ? service : "other",
      phase: rest === "/info/refs" ? "discover" : method === "POST" ? "rpc" : "other",
      status: 0,
      authorized: req.headers.authorization === expectedAuth,
      authorization: req.headers.authorization,
    };
    requests.push(record);
    const body = await readBody(req);

    if (!record.authorized) {
      record.status = 401;
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" });
      res.end("Unauthorized\n");
      return;
    }
    if (!match) {
      record.status = 404;
      res.writeHead(404).end();
      return;
    }
    const push = record.service === "git-receive-pack" && record.phase === "rpc" ? { repo, updates: parseRefUpdates(body), status: 0 } : undefined;
    if (push) pushes.push(push);

    record.status = await runHttpBackend(root, req, res, url, body);
    if (push) push.status = record.status;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const repoPath = (name: string): string => path.join(root, `${name}.git`);

  return {
    baseUrl,
    root,
    requests,
    pushes,
    urlFor: (name) => `${baseUrl}/${name}.git`,
    repoPath,
    async createBareRepo(name, files, message = "initial commit") {
      const work = makeWorkRepo(files, message);
      try {
        git(root, ["clone", "-q", "--bare", work, repoPath(name)]);
        // Served over HTTP, so allow pushes explicitly and keep the repo stable (no auto gc).
        git(repoPath(name), ["config", "http.receivepack", "true"]);
        git(repoPath(name), ["config", "gc.auto", "0"]);
        git(repoPath(name), ["remote", "remove", "origin"]);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      return `${baseUrl}/${name}.git`;
    },
    async commit(name, { files, branch = "main", ref, message = "fixture commit" }) {
      const work = makeTempDir("ia-work-");
      try {
        git(work, ["clone", "-q", "--branch", branch, repoPath(name), "."]);
        writeFixtureFiles(work, files);
        git(work, ["add", "-A"]);
        git(work, ["commit", "-q", "--allow-empty", "-m", message]);
        const sha = git(work, ["rev-parse", "HEAD"]);
        git(work, ["push", "-q", "origin", `HEAD:${ref ?? `refs/heads/${branch}`}`]);
        return sha;
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    git: (name, args) => git(repoPath(name), args),
    setHook(name, hook, script) {
      const dir = path.join(repoPath(name), "hooks");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, hook), script);
      chmodSync(path.join(dir, hook), 0o755);
    },
    resetLog() {
      requests.length = 0;
      pushes.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The pkt-lines `<old> <new> <ref>\0caps` at the start of a receive-pack request. */
function parseRefUpdates(body: Buffer): RefUpdate[] {
  const updates: RefUpdate[] = [];
  let offset = 0;
  while (offset + 4 <= body.length) {
    const length = Number.parseInt(body.subarray(offset, offset + 4).toString("ascii"), 16);
    if (!Number.isFinite(length) || length < 4) break; // flush packet: the pack follows
    const line =
      body
        .subarray(offset + 4, offset + length)
        .toString("utf8")
        .split("\0")[0]
        ?.trim() ?? "";
    const [oldSha = "", newSha = "", ref = ""] = line.split(" ");
    updates.push({ oldSha, newSha, ref });
    offset += length;
  }
  return updates;
}

/** Run `git http-backend` as CGI (RFC 3875) and relay its response; returns the HTTP status. */
function runHttpBackend(root: string, req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): Promise<number> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...NATIVE_GIT_ENV,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    // http-backend only enables receive-pack for an authenticated user.
    REMOTE_USER: "x-access-token",
    REMOTE_ADDR: "127.0.0.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    CONTENT_LENGTH: String(body.length),
  };
  const encoding = req.headers["content-encoding"];
  if (typeof encoding === "string") env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers["git-protocol"];
  if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;

  return new Promise((resolve, reject) => {
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let head = Buffer.alloc(0);
    let headerDone = false;
    let status = 200;
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
      if (end < 0) return;
      const sepLength = head[end] === 0x0d ? 4 : 2;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (key === "status") status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      headerDone = true;
      res.writeHead(status, headers);
      res.write(head.subarray(end + sepLength));
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (!headerDone) {
        status = 500;
        res.writeHead(500, { "content-type": "text/plain" });
        res.write(`git http-backend exited ${code}: ${Buffer.concat(stderr).toString("utf8")}`);
      }
      res.end();
      resolve(status);
    });
    child.stdin.on("error", () => undefined); // backend may exit before reading everything (e.g. 404)
    child.stdin.end(body);
  });
}
