/**
 * Resource limits. bubblewrap enforces none of its own, so `run-sandboxed.ts` applies them in two
 * layers: a cgroup (pids.max, memory.max) when this process may create one, and rlimits set by a
 * bash prelude inside the sandbox (RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_DATA) in every case.
 */
import type { RunCommandOptions, SandboxLimits, SandboxPolicy } from "./types.js";

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 10 * 60_000,
  maxOutputBytes: 1024 * 1024,
  maxProcesses: 256,
  maxFileBytes: 1024 * 1024 * 1024,
  maxMemoryBytes: 4 * 1024 * 1024 * 1024,
});

/** Policy limits over the defaults; a per-command timeout may only shorten the policy's. */
export function resolveLimits(policy: SandboxPolicy, options: RunCommandOptions = {}): SandboxLimits {
  const merged: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const [key, value] of Object.entries(policy.limits ?? {}) as [keyof SandboxLimits, number | undefined][]) {
    if (value !== undefined) merged[key] = positiveInt(key, value);
  }
  if (options.timeoutMs !== undefined) {
    merged.timeoutMs = Math.min(merged.timeoutMs, positiveInt("timeoutMs", options.timeoutMs));
  }
  return merged;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`sandbox limit ${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}
