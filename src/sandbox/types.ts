/**
 * The sandbox contract. Other folders depend on these types only; `run-sandboxed.ts` implements them.
 * Like Codex's exec, running a command does not throw for the command's own failures: a non-zero
 * exit, a timeout or a killed process is a result. It throws `SandboxError` only when the sandbox
 * itself cannot be set up (fail closed) or the request is refused by policy.
 */
import type { SandboxMode } from "../config/env.js";

export type { SandboxMode };

export interface SandboxLimits {
  /** Wall-clock limit; the whole process tree is killed when it passes. */
  timeoutMs: number;
  /** Bytes of stdout+stderr kept (head and tail); the rest is cut and marked. */
  maxOutputBytes: number;
  /** Maximum number of processes (RLIMIT_NPROC or cgroup pids.max). */
  maxProcesses: number;
  /** Largest file a command may write (RLIMIT_FSIZE). */
  maxFileBytes: number;
  /** Memory cap where the kernel allows (cgroup memory.max or RLIMIT_AS). */
  maxMemoryBytes: number;
}

export interface SandboxPolicy {
  mode: SandboxMode;
  /** Absolute path of the job's workspace (the only job data mounted). */
  workspaceDir: string;
  /** "off" (own network namespace) or hosts reachable through the filtering proxy. */
  network: "off" | readonly string[];
  /** Operator opt-in: without it danger-full-access is refused even if the repo asks for it. */
  allowDangerFullAccess?: boolean;
  /** Non-secret environment values from config, added to the rebuilt allowlisted environment. */
  env?: Readonly<Record<string, string>>;
  /** Per-job private HOME and /tmp live here; created and removed by the caller's workspace. */
  scratchDir?: string;
  limits?: Partial<SandboxLimits>;
  /** Path of the bubblewrap binary (default /usr/bin/bwrap). Injectable so tests can break it. */
  bwrapPath?: string;
  /** Host paths mounted read-only at the same place, e.g. a toolchain outside /usr. */
  readOnlyPaths?: readonly string[];
  /**
   * Absolute paths inside the workspace that stay read-only in workspace-write mode, because
   * something outside the sandbox reads or runs them later. An existing file or directory is
   * re-bound read-only over itself; a missing one is covered by an empty read-only directory, so
   * nothing can be created there (bubblewrap leaves that empty directory behind as its mount
   * point: the caller removes it). Paths outside the workspace are ignored.
   */
  protectedPaths?: readonly string[];
}

export interface RunCommandOptions {
  /** Exactly one of argv or script. `script` runs through `bash -lc`. */
  argv?: readonly string[];
  script?: string;
  /** Working directory; must resolve inside the workspace. Defaults to the workspace root. */
  cwd?: string;
  timeoutMs?: number;
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  stdin?: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when any output was cut to the cap. */
  truncated: boolean;
  timedOut: boolean;
  /** True when `signal` aborted the command (the tree was killed). */
  cancelled?: boolean;
  durationMs: number;
}

/** What the agent and tasks receive: a policy bound to a workspace. */
export interface Sandbox {
  readonly policy: SandboxPolicy;
  run(options: RunCommandOptions): Promise<RunResult>;
}
