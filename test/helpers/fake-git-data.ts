/**
 * GitHub's Git Data API (blobs, trees, commits, refs) for tests, backed by a real bare repository
 * (the test git server's): blobs are `git hash-object -w`, trees are built in a scratch index from
 * `base_tree` (so `sha: null` deletes, modes are kept), commits are `git commit-tree` as the app's
 * bot, and refs move with `git update-ref <new> <old>` after a fast-forward check, as GitHub does
 * for `force: false`. What the app "committed through the API" can then be inspected with git.
 *
 *   const data = createGitDataBackend(server.repoPath("demo"), { bot: "issue-agent[bot]" });
 *   installGitData(gh, "/repos/o/demo", data);       // on the strict GitHub mock
 *   data.route("POST", "/git/blobs", json)           // or route by hand (a custom fake server)
 *   data.refuseRefUpdates(422, "Repository rule violations found ...")
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIXED_DATE } from "./git-fixtures.js";
import type { GitHubMock } from "./mock-github.js";

export interface ApiCommitRecord {
  sha: string;
  message: string;
  parents: string[];
  /** The request named an author or committer (GitHub would then not sign the commit). */
  customIdentity: boolean;
}

export interface GitDataBackend {
  readonly commits: ApiCommitRecord[];
  readonly blobs: string[];
  /** create-tree requests, each with its entry count. */
  readonly trees: { entries: number }[];
  route(method: string, rest: string, json: unknown): [number, unknown] | undefined;
  /** Answer every ref create/update with this refusal, as a ruleset or branch protection would. */
  refuseRefUpdates(status: number, message: string): void;
}

function run(repo: string, args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): { ok: boolean; out: string } {
  try {
    const out = execFileSync("git", args, {
      cwd: repo,
      input: options.input,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
    return { ok: true, out: out.toString("utf8").trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

interface TreeItem {
  path: string;
  mode: string;
  type: string;
  sha?: string | null;
  content?: string;
}

export function createGitDataBackend(repo: string, options: { bot: string }): GitDataBackend {
  const commits: ApiCommitRecord[] = [];
  const blobs: string[] = [];
  const trees: { entries: number }[] = [];
  let refusal: [number, string] | undefined;
  const botEnv = {
    GIT_AUTHOR_NAME: options.bot,
    GIT_AUTHOR_EMAIL: `${options.bot}@users.noreply.github.com`,
    GIT_COMMITTER_NAME: options.bot,
    GIT_COMMITTER_EMAIL: `${options.bot}@users.noreply.github.com`,
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
  };
  const refSha = (branch: string): string | null => {
    const r = run(repo, ["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`]);
    return r.ok ? r.out : null;
  };
  const exists = (sha: string): boolean => run(repo, ["cat-file", "-e", sha]).ok;

  const createTree = (json: { base_tree?: string; tree: TreeItem[] }): [number, unknown] => {
    trees.push({ entries: json.tree.length });
    const scratch = mkdtempSync(path.join(tmpdir(), "fake-git-data-"));
    const env = { GIT_INDEX_FILE: path.join(scratch, "index") };
    try {
      if (json.base_tree && !run(repo, ["read-tree", json.base_tree], { env }).ok) return [422, { message: "Invalid tree info" }];
      for (const item of json.tree) {
        if (item.sha === null) {
          // Mode 0 removes the entry (`--force-remove` would need a work tree; this repo is bare).
          if (!run(repo, ["update-index", "--index-info"], { env, input: `0 ${"0".repeat(40)}\t${item.path}\n` }).ok)
            return [422, { message: `Invalid tree entry ${item.path}` }];
          continue;
        }
        const sha = item.content !== undefined ? run(repo, ["hash-object", "-w", "--stdin"], { input: item.content }).out : item.sha;
        if (!sha || (item.type !== "commit" && !exists(sha))) return [422, { message: "tree.sha is not a valid blob" }];
        if (!run(repo, ["update-index", "--add", "--cacheinfo", `${item.mode},${sha},${item.path}`], { env }).ok)
          return [422, { message: `Invalid tree entry ${item.path}` }];
      }
      const tree = run(repo, ["write-tree"], { env }).out;
      return [201, { sha: tree, tree: [] }];
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };

  const moveRef = (branch: string, sha: string, create: boolean): [number, unknown] => {
    if (refusal) return [refusal[0], { message: refusal[1] }];
    const current = refSha(branch);
    if (create && current) return [422, { message: "Reference already exists" }];
    if (!create && !current) return [422, { message: "Reference does not exist" }];
    if (current && !run(repo, ["merge-base", "--is-ancestor", current, sha]).ok) return [422, { message: "Update is not a fast forward" }];
    if (!run(repo, ["update-ref", `refs/heads/${branch}`, sha, current ?? "0".repeat(40)]).ok) return [422, { message: "Reference update failed" }];
    return [create ? 201 : 200, { ref: `refs/heads/${branch}`, object: { sha, type: "commit" } }];
  };

  return {
    commits,
    blobs,
    trees,
    refuseRefUpdates(status, message) {
      refusal = [status, message];
    },
    route(method, rest, json) {
      const body = (json ?? {}) as Record<string, unknown>;
      let m: RegExpExecArray | null;
      if (method === "GET" && (m = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
        const sha = refSha(decodeURIComponent(m[1]!));
        return sha ? [200, { ref: `refs/heads/${m[1]}`, object: { sha, type: "commit" } }] : [404, { message: "Not Found" }];
      }
      if (method === "POST" && rest === "/git/blobs") {
        const bytes = Buffer.from(String(body.content ?? ""), body.encoding === "base64" ? "base64" : "utf8");
        const sha = run(repo, ["hash-object", "-w", "--stdin"], { input: bytes }).out;
        blobs.push(sha);
        return [201, { sha, url: `blob/${sha}` }];
      }
      if (method === "POST" && rest === "/git/trees") return createTree(body as unknown as { base_tree?: string; tree: TreeItem[] });
      if (method === "POST" && rest === "/git/commits") {
        const parents = (body.parents as string[] | undefined) ?? [];
        const tree = String(body.tree);
        if (!exists(tree) || parents.some((p) => !exists(p))) return [422, { message: "Tree or parent SHA does not exist" }];
        const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"];
        const sha = run(repo, args, { input: String(body.message ?? ""), env: botEnv }).out;
        commits.push({ sha, message: String(body.message ?? ""), parents, customIdentity: body.author !== undefined || body.committer !== undefined });
        const verified = body.author === undefined && body.committer === undefined;
        return [
          201,
          {
            sha,
            tree: { sha: tree },
            message: body.message,
            parents: parents.map((p) => ({ sha: p })),
            verification: { verified, reason: verified ? "valid" : "unsigned" },
          },
        ];
      }
      if (method === "POST" && rest === "/git/refs") {
        const ref = String(body.ref ?? "");
        if (!ref.startsWith("refs/heads/")) return [422, { message: "Reference name must start with refs/heads/" }];
        return moveRef(ref.slice("refs/heads/".length), String(body.sha), true);
      }
      if (method === "PATCH" && (m = /^\/git\/refs\/heads\/(.+)$/.exec(rest))) {
        if (body.force === true) return [422, { message: "the app must never force" }];
        return moveRef(decodeURIComponent(m[1]!), String(body.sha), false);
      }
      return undefined;
    },
  };
}

/** Route `<repoPath>/git/...` on the strict GitHub mock to the backend (optional calls). */
export function installGitData(gh: GitHubMock, repoPath: string, backend: GitDataBackend): void {
  // Octokit percent-encodes the slashes of `{ref}` (heads%2Fagent%2F...), GitHub accepts both.
  const under = (pathname: string): string | null => (pathname.startsWith(`${repoPath}/git/`) ? decodeURIComponent(pathname.slice(repoPath.length)) : null);
  const routes: Record<string, RegExp> = { GET: /^\/git\/ref\/heads\/.+$/, POST: /^\/git\/(blobs|trees|commits|refs)$/, PATCH: /^\/git\/refs\/heads\/.+$/ };
  for (const [method, route] of Object.entries(routes)) {
    gh.on(method, (pathname) => route.test(under(pathname) ?? ""))
      .any()
      .respond((call) => backend.route(call.method, under(call.pathname)!, call.json) ?? [404, { message: "Not Found" }]);
  }
}
