/**
 * The sandbox's environment, rebuilt from nothing. The host's environment (model key, private
 * key, tokens) is never copied: only the fixed allowlist below plus caller values that pass
 * `assertSafeEnv`.
 */
import { SandboxError } from "../shared/errors.js";

export const SANDBOX_HOME = "/home/sandbox";
export const SANDBOX_USER = "sandbox";
/** Read-only global git config inside the sandbox (see `sandbox-files.ts`). */
export const SANDBOX_GITCONFIG = "/etc/issue-agent/gitconfig";
export const DEFAULT_SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Names whose value would undo a defence (the git config, the loader, shell start-up files). */
const RESERVED = new Set(["HOME", "TMPDIR", "USER", "LOGNAME", "BASH_ENV", "ENV", "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "IFS"]);
const RESERVED_PREFIXES = ["GIT_CONFIG", "LD_", "BASH_FUNC_"];
/** Names that look like credentials; config is meant to carry non-secret values only. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|APIKEY|CREDENTIAL|AUTH)/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function buildSandboxEnv(
  configEnv: Readonly<Record<string, string>> | undefined,
  commandEnv: Readonly<Record<string, string>> | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  assertSafeEnv(configEnv);
  assertSafeEnv(commandEnv);
  return {
    PATH: DEFAULT_SANDBOX_PATH,
    LANG: "C.UTF-8",
    TERM: "dumb",
    CI: "1",
    SHELL: "/bin/bash",
    ...configEnv,
    ...commandEnv,
    ...extra,
    HOME: SANDBOX_HOME,
    USER: SANDBOX_USER,
    LOGNAME: SANDBOX_USER,
    TMPDIR: "/tmp",
    // git reads only our read-only config: no hooks, no fsmonitor, no implicit bare repos.
    GIT_CONFIG_GLOBAL: SANDBOX_GITCONFIG,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
  };
}

export function assertSafeEnv(env: Readonly<Record<string, string>> | undefined): void {
  if (!env) return;
  const refused: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const bad =
      !NAME.test(name) ||
      RESERVED.has(name) ||
      RESERVED_PREFIXES.some((p) => name.startsWith(p)) ||
      SECRET_NAME.test(name) ||
      typeof value !== "string" ||
      value.includes("\0");
    if (bad) refused.push(name);
  }
  if (refused.length > 0) {
    const message = `The sandbox refuses these environment variables (reserved, invalid or secret-looking names): ${refused.join(", ")}`;
    throw new SandboxError("sandbox/denied", message, { userMessage: message });
  }
}
