/**
 * The machine's `git`, where it is faster than isomorphic-git (fetching and indexing a pack,
 * checking out thousands of files), run so that nothing outside this module's arguments can make
 * it execute code or leak the token:
 * - no system or global config (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null, an empty HOME),
 *   no hooks, no fsmonitor, no credential helpers, no askpass, no terminal prompt;
 * - only http(s) transports;
 * - the token travels as an `http.extraHeader` in GIT_CONFIG_* variables of that one child's
 *   environment: never in argv (world-readable in /proc), never in a file, and redirects are not
 *   followed while it is set, so the header only ever goes to the clone URL's host.
 * The workspace worker is the only caller; the web process never runs git.
 */
import { hostPath } from "../config/process-env.js";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancelledError } from "../shared/errors.js";
import { redactSecrets } from "../shared/redact.js";

export interface GitRunOptions {
  cwd?: string | undefined;
  /** Installation token for this request only (see module comment). */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  input?: string | Buffer | undefined;
  /** Stop reading stdout beyond this many bytes (the command is killed). Default 64 MiB. */
  maxStdoutBytes?: number | undefined;
  /** Extra `key=value` config for this invocation. */
  config?: Readonly<Record<string, string>> | undefined;
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
}

export class NativeGitError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message);
    this.name = "NativeGitError";
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Config every invocation gets, whatever the repository's own `.git/config` says. */
const HARDENED_CONFIG: Readonly<Record<string, string>> = {
  "core.hooksPath": "/dev/null",
  "core.fsmonitor": "false",
  "core.askPass": "",
  "credential.helper": "",
  "protocol.allow": "never",
  "protocol.http.allow": "always",
  "protocol.https.allow": "always",
  "submodule.recurse": "false",
  "gc.auto": "0",
  "maintenance.auto": "false",
  "advice.detachedHead": "false",
  "init.defaultBranch": "main",
  // Fetched objects always stay in packs: the repository cache hardlinks whole packs into workspaces.
  "fetch.unpackLimit": "1",
  "transfer.unpackLimit": "1",
  "core.symlinks": "true",
};

let emptyHome: string | undefined;
function homeDir(): string {
  if (!emptyHome) {
    emptyHome = path.join(os.tmpdir(), `issue-agent-git-home-${process.getuid?.() ?? "u"}`);
    mkdirSync(emptyHome, { recursive: true, mode: 0o700 });
  }
  return emptyHome;
}

/** The environment of a git child: rebuilt from nothing, never inherited wholesale. */
export function hardenedGitEnv(options: { token?: string | undefined; config?: Readonly<Record<string, string>> | undefined } = {}): NodeJS.ProcessEnv {
  const config: Record<string, string> = { ...HARDENED_CONFIG, ...(options.config ?? {}) };
  if (options.token) {
    config["http.extraHeader"] = `Authorization: Basic ${Buffer.from(`x-access-token:${options.token}`).toString("base64")}`;
    config["http.followRedirects"] = "false";
  }
  const env: NodeJS.ProcessEnv = {
    PATH: hostPath(),
    HOME: homeDir(),
    LANG: "C",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: "http:https",
    GIT_PROTOCOL_FROM_USER: "0",
    GIT_OPTIONAL_LOCKS: "0",
  };
  const entries = Object.entries(config);
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

let detected: Promise<string | null> | undefined;

/**
 * The git binary to use, or null: absent, too old (needs 2.32 for O_NOFOLLOW on in-tree
 * `.gitattributes`), or turned off with AGENT_NATIVE_GIT=off (read by config/ and passed down).
 */
export function detectNativeGit(enabled = true): Promise<string | null> {
  if (!enabled) return Promise.resolve(null);
  detected ??= runGit(["--version"], { timeoutMs: 5000 })
    .then(({ stdout }) => {
      const match = /git version (\d+)\.(\d+)/.exec(stdout.toString());
      if (!match) return null;
      const [major, minor] = [Number(match[1]), Number(match[2])];
      return major > 2 || (major === 2 && minor >= 32) ? "git" : null;
    })
    .catch(() => null);
  return detected;
}

export function runGit(args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
  const { cwd, token, signal, timeoutMs = 10 * 60_000, input, maxStdoutBytes = 64 * 1024 * 1024 } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...args], {
      cwd,
      env: hardenedGitEnv({ token, config: options.config }),
      stdio: ["pipe", "pipe", "pipe"],
      detached: false,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let settled = false;
    let killedFor: Error | undefined;
    const kill = (why: Error): void => {
      if (killedFor) return;
      killedFor = why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill(new NativeGitError(`git ${args[0]} timed out after ${timeoutMs} ms`, null, "")), timeoutMs);
    const onAbort = (): void => kill(new CancelledError());
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.byteLength;
      if (outBytes > maxStdoutBytes) kill(new NativeGitError(`git ${args[0]} printed more than ${maxStdoutBytes} bytes`, null, ""));
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString("utf8");
    });
    child.stdin.on("error", () => undefined);
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    const finish = (error: Error | null, code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const stderr = token ? redactSecrets(err, [token, Buffer.from(`x-access-token:${token}`).toString("base64")]) : err;
      if (killedFor) reject(killedFor);
      else if (error) reject(new NativeGitError(`git ${args[0]} could not start: ${error.message}`, null, ""));
      else if (code !== 0) reject(new NativeGitError(`git ${args[0]} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`, code, stderr));
      else resolve({ stdout: Buffer.concat(out), stderr });
    };
    child.on("error", (e) => finish(e, null));
    child.on("close", (code) => finish(null, code));
  });
}
