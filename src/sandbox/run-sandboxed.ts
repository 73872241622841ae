/**
 * Runs one command under a policy. Pipeline: refuse what the policy forbids -> check bubblewrap
 * works (fail closed, never a fallback to running unsandboxed) -> scratch HOME and /tmp ->
 * cgroup if we may -> bwrap with the bash prelude (fds closed, rlimits) -> collect capped output
 * -> kill the whole tree on timeout, cancel or exit -> clean up. A command's own failure (exit
 * code, timeout, kill) is a result, not an exception.
 */
import { spawn } from "node:child_process";
import { SandboxError } from "../shared/errors.js";
import { buildBwrapArgs } from "./bwrap-args.js";
import { assertSandboxAvailable, DEFAULT_BWRAP_PATH } from "./check-sandbox-available.js";
import { createJobCgroup, detectCgroupSupport, type JobCgroup } from "./cgroup.js";
import { resolveLimits } from "./limits.js";
import { startNetworkProxy, type NetworkProxy } from "./network-proxy.js";
import { createOutputCollector, finalizeOutputs } from "./output-collector.js";
import { commandOf, preludeEnv, withPrelude } from "./prelude.js";
import { prepareScratch, resolveCwd, resolveWorkspace } from "./resolve-paths.js";
import { buildSandboxEnv } from "./sandbox-env.js";
import { getSandboxFiles } from "./sandbox-files.js";
import type { RunCommandOptions, RunResult, SandboxPolicy } from "./types.js";

// Joins the cgroup(s) before exec, so the very first sandboxed process is already counted.
const JOIN_CGROUP =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || { echo "issue-agent: could not join cgroup" >&2; exit 125; }; shift; n=$((n-1)); done; exec "$@"';
/** After the main process exits, how long stragglers may keep stdout open before we stop reading. */
const DRAIN_MS = 2000;

export async function runCommand(policy: SandboxPolicy, options: RunCommandOptions): Promise<RunResult> {
  const command = validateRequest(policy, options);
  const limits = resolveLimits(policy, options);
  const workspace = await resolveWorkspace(policy.workspaceDir);
  const cwd = await resolveCwd(workspace, options.cwd);
  const unsandboxed = policy.mode === "danger-full-access";
  const bwrapPath = policy.bwrapPath ?? DEFAULT_BWRAP_PATH;
  if (!unsandboxed) await assertSandboxAvailable(bwrapPath);
  const files = getSandboxFiles();

  const scratch = await prepareScratch(policy.scratchDir);
  let cgroup: JobCgroup | undefined;
  let proxy: NetworkProxy | undefined;
  try {
    const support = await detectCgroupSupport();
    if (support) cgroup = await createJobCgroup(support, limits);
    if (!unsandboxed && Array.isArray(policy.network) && policy.network.length > 0) {
      proxy = await startNetworkProxy(policy.network);
    }
    const env = { ...buildSandboxEnv(policy.env, options.env, proxy?.env ?? {}), ...preludeEnv(limits) };
    const inner = withPrelude(proxy ? proxy.wrap(commandOf(options)) : command);
    let file: string;
    let args: string[];
    if (unsandboxed) {
      file = inner[0] ?? "/bin/bash";
      args = inner.slice(1);
      Object.assign(env, { HOME: scratch.home, TMPDIR: scratch.tmp, GIT_CONFIG_GLOBAL: files.gitconfig });
    } else {
      file = bwrapPath;
      args = buildBwrapArgs({
        mode: policy.mode as "read-only" | "workspace-write",
        workspaceDir: workspace,
        cwd,
        homeDir: scratch.home,
        tmpDir: scratch.tmp,
        files,
        readOnlyPaths: policy.readOnlyPaths ?? [],
        protectedPaths: policy.protectedPaths ?? [],
        extraReadOnlyBinds: proxy ? proxy.binds : [],
        env,
        command: inner,
      });
    }
    if (cgroup) {
      args = ["-c", JOIN_CGROUP, "sh", String(cgroup.procsFiles.length), ...cgroup.procsFiles, file, ...args];
      file = "/bin/sh";
    }
    const result = await execute(file, args, {
      env: unsandboxed ? env : {},
      cwd: unsandboxed ? cwd : "/",
      detached: unsandboxed,
      limits,
      options,
      cgroup,
    });
    assertSandboxStarted(result, unsandboxed);
    return result;
  } finally {
    // The PID namespace is already gone with its init; emptying and removing the cgroup only
    // waits for the kernel to reap, so it runs in the background rather than on every command.
    void cgroup?.remove().catch(() => undefined);
    await proxy?.close();
    await scratch.release();
  }
}

function validateRequest(policy: SandboxPolicy, options: RunCommandOptions): string[] {
  if (!["read-only", "workspace-write", "danger-full-access"].includes(policy.mode)) {
    throw new SandboxError("sandbox/denied", `Unknown sandbox mode "${String(policy.mode)}".`);
  }
  if (policy.mode === "danger-full-access" && policy.allowDangerFullAccess !== true) {
    const message =
      "danger-full-access was requested but the operator has not allowed it (AGENT_SANDBOX_MODES must include danger-full-access); the command was not run.";
    throw new SandboxError("sandbox/denied", message, { userMessage: message });
  }
  if ((options.argv === undefined) === (options.script === undefined)) {
    throw new SandboxError("sandbox/denied", "Give exactly one of argv or script.");
  }
  if (options.argv !== undefined && (options.argv.length === 0 || options.argv.some((a) => typeof a !== "string" || a.includes("\0")))) {
    throw new SandboxError("sandbox/denied", "argv must be a non-empty list of strings without NUL bytes.");
  }
  return commandOf(options);
}

interface ExecuteInput {
  env: Record<string, string>;
  cwd: string;
  detached: boolean;
  limits: ReturnType<typeof resolveLimits>;
  options: RunCommandOptions;
  cgroup: JobCgroup | undefined;
}

function execute(file: string, args: string[], input: ExecuteInput): Promise<RunResult & { spawnError?: Error }> {
  const { limits, options, cgroup } = input;
  const started = performance.now();
  const out = createOutputCollector(limits.maxOutputBytes);
  const err = createOutputCollector(limits.maxOutputBytes);
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    const child = spawn(file, args, {
      env: input.env,
      cwd: input.cwd,
      detached: input.detached,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killTree = () => {
      if (input.detached && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // The group is already empty.
        }
      }
      // Killing bwrap kills its PID-namespace init (--die-with-parent), and with it every
      // process in the namespace, background children included.
      child.kill("SIGKILL");
      void cgroup?.kill();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, limits.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killTree();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => undefined); // the command may exit without reading its input
    child.stdin.end(options.stdin ?? "");
    let drainTimer: NodeJS.Timeout | undefined;
    child.on("exit", () => {
      // The main process is gone: nothing it left behind may outlive it.
      if (input.detached || cgroup) killTree();
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, DRAIN_MS);
    });
    let spawnError: Error | undefined;
    child.on("error", (e) => (spawnError = e));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener("abort", onAbort);
      const [stdout, stderr] = finalizeOutputs([out, err], limits.maxOutputBytes);
      resolve({
        exitCode: code,
        signal,
        stdout: stdout?.text ?? "",
        stderr: stderr?.text ?? "",
        truncated: Boolean(stdout?.truncated || stderr?.truncated),
        timedOut,
        durationMs: Math.round(performance.now() - started),
        ...(cancelled ? { cancelled } : {}),
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** bwrap reports set-up failures as `bwrap: ...` and exit 1 before the command ever runs. */
function assertSandboxStarted(result: RunResult & { spawnError?: Error }, unsandboxed: boolean): void {
  const setupFailed =
    result.spawnError !== undefined ||
    (!unsandboxed && result.exitCode === 1 && result.stdout === "" && /^bwrap: [^\n]*\n?$/.test(result.stderr)) ||
    (result.exitCode === 125 && /^issue-agent: could not join cgroup/m.test(result.stderr));
  if (setupFailed) {
    const detail = result.spawnError?.message ?? result.stderr.trim();
    throw new SandboxError("sandbox/unavailable", `The sandbox could not start: ${detail}`, {
      userMessage: "The command sandbox could not start, so the command was not run.",
    });
  }
  delete result.spawnError;
}
