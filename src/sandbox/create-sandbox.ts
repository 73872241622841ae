/** A policy bound to a workspace: what the agent's `shell` tool and the tasks hold. */
import { runCommand } from "./run-sandboxed.js";
import type { RunCommandOptions, RunResult, Sandbox, SandboxPolicy } from "./types.js";

export function createSandbox(policy: SandboxPolicy): Sandbox {
  const frozen: SandboxPolicy = Object.freeze({ ...policy });
  return {
    policy: frozen,
    run: (options: RunCommandOptions): Promise<RunResult> => runCommand(frozen, options),
  };
}
