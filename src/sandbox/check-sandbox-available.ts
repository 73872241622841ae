/**
 * Can bubblewrap start a sandbox here? Used by /healthz, the start-up log, and before the first
 * command (fail closed: no sandbox, no command). A positive answer is cached per bwrap path; a
 * negative one is not, so fixing the host fixes the app without a restart.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SandboxError } from "../shared/errors.js";
import { buildBwrapArgs } from "./bwrap-args.js";
import { detectCgroupSupport } from "./cgroup.js";
import { getSandboxFiles } from "./sandbox-files.js";

export const DEFAULT_BWRAP_PATH = "/usr/bin/bwrap";

export type SandboxAvailability =
  { ok: true; bwrapPath: string; limits: "cgroup-v2" | "cgroup-v1" | "rlimit"; warnings: string[] } | { ok: false; reason: string; fix: string };

const INSTALL_FIX =
  "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) or point the sandbox at it (policy.bwrapPath).";
const USERNS_FIX =
  "Allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (Debian), " +
  "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap (Ubuntu 23.10+), " +
  "user.max_user_namespaces > 0; in Docker run the container with --security-opt seccomp=unconfined --security-opt apparmor=unconfined " +
  "--security-opt systempaths=unconfined (compose.yaml does), in Kubernetes use the securityContext in the README.";
const PROC_FIX =
  "The container masks parts of /proc, so the kernel refuses the sandbox a fresh /proc: in Docker add --security-opt systempaths=unconfined " +
  "(with seccomp=unconfined and apparmor=unconfined; compose.yaml sets all three), in Kubernetes procMount: Unmasked (see the README).";

const confirmed = new Map<string, SandboxAvailability & { ok: true }>();

export async function checkSandboxAvailable(options: { bwrapPath?: string } = {}): Promise<SandboxAvailability> {
  const bwrapPath = options.bwrapPath ?? DEFAULT_BWRAP_PATH;
  const cached = confirmed.get(bwrapPath);
  if (cached) return cached;
  const dir = await mkdtemp(path.join(os.tmpdir(), "issue-agent-probe-"));
  try {
    const args = buildBwrapArgs({
      mode: "read-only",
      workspaceDir: dir,
      cwd: dir,
      homeDir: dir,
      tmpDir: dir,
      files: getSandboxFiles(),
      env: { PATH: "/usr/bin:/bin" },
      command: ["/bin/bash", "-c", "exit 0"],
    });
    const outcome = await new Promise<{ code: number | null; stderr: string; spawnError?: NodeJS.ErrnoException }>((resolve) => {
      const child = spawn(bwrapPath, args, { stdio: ["ignore", "ignore", "pipe"], env: {} });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d.slice(0, 2000)));
      child.on("error", (spawnError: NodeJS.ErrnoException) => resolve({ code: null, stderr, spawnError }));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    if (outcome.spawnError) {
      return { ok: false, reason: `bubblewrap could not be run at ${bwrapPath}: ${outcome.spawnError.code ?? outcome.spawnError.message}`, fix: INSTALL_FIX };
    }
    if (outcome.code !== 0) {
      const stderr = outcome.stderr.trim();
      return {
        ok: false,
        reason: `bubblewrap could not create a sandbox: ${stderr || `exit ${outcome.code}`}`,
        fix: /mount proc|\/proc/i.test(stderr) ? PROC_FIX : USERNS_FIX,
      };
    }
    const cgroup = await detectCgroupSupport();
    const warnings: string[] = [];
    if (!cgroup && process.getuid?.() === 0) {
      warnings.push(
        "Running as root without a writable cgroup: RLIMIT_NPROC does not bind root, so the process cap is not enforced. Run as a non-root user or delegate a cgroup.",
      );
    }
    if (cgroup && !cgroup.memory) warnings.push("No memory cgroup: memory is capped by RLIMIT_DATA only.");
    const result = { ok: true as const, bwrapPath, limits: cgroup ? (`cgroup-${cgroup.kind}` as const) : ("rlimit" as const), warnings };
    confirmed.set(bwrapPath, result);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Throws `sandbox/unavailable` with what to install or allow, unless the sandbox works. */
export async function assertSandboxAvailable(bwrapPath?: string): Promise<void> {
  const availability = await checkSandboxAvailable(bwrapPath === undefined ? {} : { bwrapPath });
  if (!availability.ok) {
    throw new SandboxError("sandbox/unavailable", `${availability.reason}. ${availability.fix}`, {
      userMessage: "The command sandbox is not available on this host, so no command was run. The operator has been told what to install or allow.",
    });
  }
}
