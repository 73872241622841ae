/** The sandbox's public surface. Other folders import from here (and `types.ts`) only. */
export type { RunCommandOptions, RunResult, Sandbox, SandboxLimits, SandboxMode, SandboxPolicy } from "./types.js";
export { runCommand } from "./run-sandboxed.js";
export { createSandbox } from "./create-sandbox.js";
export { checkSandboxAvailable, DEFAULT_BWRAP_PATH, type SandboxAvailability } from "./check-sandbox-available.js";
export { DEFAULT_SANDBOX_LIMITS, resolveLimits } from "./limits.js";
export { isHostAllowed } from "./network-proxy.js";
export { realOrMissing as resolveProtectedPath } from "./bwrap-args.js";
