/**
 * The first thing that runs inside the sandbox: a bash prelude that closes every inherited file
 * descriptor beyond stdio (bubblewrap passes through whatever the app inherited without
 * close-on-exec), sets hard rlimits the command cannot raise again, then execs the command.
 */
import type { SandboxLimits } from "./types.js";

// `ulimit` sets soft and hard together, and without CAP_SYS_RESOURCE a hard limit only goes down.
// -u counts processes per user in this user namespace; -f and -d are in KiB.
const PRELUDE = [
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null; fi; done',
  'ulimit -c 0 && ulimit -u "$IA_NPROC" && ulimit -f "$IA_FSIZE_KB" && ulimit -d "$IA_DATA_KB" || { echo "issue-agent sandbox: could not set limits" >&2; exit 125; }',
  "unset IA_NPROC IA_FSIZE_KB IA_DATA_KB",
  'exec "$@"',
].join("\n");

/** Wraps argv (or a script run by `bash -lc`) in the prelude. */
export function withPrelude(command: readonly string[]): string[] {
  return ["/bin/bash", "--noprofile", "--norc", "-c", PRELUDE, "issue-agent-sandbox", ...command];
}

export function commandOf(options: { argv?: readonly string[]; script?: string }): string[] {
  if (options.script !== undefined) return ["/bin/bash", "-lc", options.script];
  return [...(options.argv ?? [])];
}

export function preludeEnv(limits: SandboxLimits): Record<string, string> {
  return {
    IA_NPROC: String(limits.maxProcesses),
    IA_FSIZE_KB: String(Math.max(1, Math.floor(limits.maxFileBytes / 1024))),
    IA_DATA_KB: String(Math.max(1024, Math.floor(limits.maxMemoryBytes / 1024))),
  };
}
