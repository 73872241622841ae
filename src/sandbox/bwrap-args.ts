/**
 * Turns a policy into bubblewrap arguments. The sandbox starts from an empty root and mounts
 * only what is listed here (an allowlist), so the app's data dir, other jobs' workspaces, the
 * real home, /root, /run (the Docker socket) and the host's /proc are absent rather than hidden.
 */
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import { SANDBOX_HOME } from "./sandbox-env.js";
import { SANDBOX_GID, SANDBOX_UID, type SandboxFiles } from "./sandbox-files.js";
import type { SandboxMode } from "./types.js";

/** Top-level system directories; on merged-/usr systems most are symlinks into /usr. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
export interface BwrapArgsInput {
  mode: Exclude<SandboxMode, "danger-full-access">;
  /** Real path of the workspace; mounted at the same path so paths in output match the host's. */
  workspaceDir: string;
  /** Real path of the working directory, inside the workspace. */
  cwd: string;
  homeDir: string;
  tmpDir: string;
  files: SandboxFiles;
  /** Extra host paths mounted read-only at the same place (toolchains outside /usr). */
  readOnlyPaths?: readonly string[];
  /** Paths inside the workspace kept read-only in workspace-write mode (SandboxPolicy.protectedPaths). */
  protectedPaths?: readonly string[];
  /** Extra read-only binds (host, sandbox), e.g. the network proxy's socket and forwarder. */
  extraReadOnlyBinds?: readonly (readonly [string, string])[];
  env: Readonly<Record<string, string>>;
  command: readonly string[];
}

export function buildBwrapArgs(input: BwrapArgsInput): string[] {
  const args = [
    "--unshare-user",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_GID),
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--hostname",
    "sandbox",
    "--unshare-cgroup-try",
    // No user namespaces inside: they would hand the command fresh capabilities to play with.
    "--disable-userns",
    "--die-with-parent",
    // No shared controlling terminal, so TIOCSTI cannot type into the app's terminal.
    "--new-session",
    // Always an own, empty network namespace (loopback only). The allowlist, when any, is a
    // proxy reached through a unix socket, never the host's network.
    "--unshare-net",
  ];

  for (const dir of SYSTEM_DIRS) {
    const kind = kindOf(dir);
    if (kind === "symlink") args.push("--symlink", readlinkSync(dir), dir);
    else if (kind === "dir") args.push("--ro-bind", dir, dir);
  }
  // A prepared copy of the needed /etc entries plus passwd, group and the git config.
  args.push("--ro-bind", input.files.etc, "/etc");
  for (const p of input.readOnlyPaths ?? []) args.push("--ro-bind", p, p);

  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--bind", input.tmpDir, "/tmp", "--bind", input.homeDir, SANDBOX_HOME);

  const ws = input.workspaceDir;
  if (input.mode === "read-only") {
    args.push("--ro-bind", ws, ws);
  } else {
    args.push("--bind", ws, ws);
    // .git stays read-only: hooks and config written now would run later. Only a real
    // directory or gitdir file is re-mounted; a symlinked .git points outside the workspace,
    // which is not mounted, so it resolves to nothing.
    const dotGit = path.join(ws, ".git");
    const kind = kindOf(dotGit);
    if (kind === "dir" || kind === "file") args.push("--ro-bind", dotGit, dotGit);
    args.push(...protectedPathBinds(ws, input.protectedPaths ?? [], input.files.empty));
  }
  for (const [from, to] of input.extraReadOnlyBinds ?? []) args.push("--ro-bind", from, to);

  // The root tmpfs bwrap builds is read-only too: writes go to the workspace, HOME or /tmp.
  args.push("--remount-ro", "/");
  args.push("--chdir", input.cwd, "--clearenv");
  for (const [key, value] of Object.entries(input.env)) args.push("--setenv", key, value);
  args.push("--", ...input.command);
  return args;
}

/**
 * Read-only binds for protected workspace paths. Symlinks are resolved first (bwrap would follow
 * them anyway, and a link could lead out of the workspace); a path whose real location is outside
 * the workspace needs nothing, since only the workspace is writable. A missing path gets the empty
 * directory, unless a protected ancestor already covers it (bwrap could not create the mount point
 * inside a read-only bind).
 */
export function protectedPathBinds(workspace: string, paths: readonly string[], emptyDir: string): string[] {
  const inside = (p: string): boolean => {
    const rel = path.relative(workspace, p);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  };
  const targets = new Map<string, "existing" | "missing">();
  for (const p of paths) {
    if (!path.isAbsolute(p)) continue;
    const real = realOrMissing(p);
    if (real && inside(real.path)) targets.set(real.path, real.exists ? "existing" : "missing");
  }
  // Shallowest first, so a covered descendant can be skipped. `.git` is bound read-only already:
  // nothing below it needs a bind, and a mount point could not be created there.
  const sorted = [...targets].sort(([a], [b]) => a.length - b.length);
  const bound: string[] = [path.join(workspace, ".git")];
  const args: string[] = [];
  for (const [p, state] of sorted) {
    if (bound.some((b) => p.startsWith(`${b}/`))) continue;
    if (p === bound[0]) continue;
    args.push("--ro-bind", state === "existing" ? p : emptyDir, p);
    bound.push(p);
  }
  return args;
}

/**
 * Where a protected path really is: its real path when it exists; otherwise the first missing
 * component on the way to it (symlinks followed, dangling ones to their target), which is where a
 * placeholder stops anything below it from being created.
 */
export function realOrMissing(p: string, depth = 0): { path: string; exists: boolean } | null {
  try {
    return { path: realpathSync(p), exists: true };
  } catch {
    // Walk down from the root below.
  }
  if (depth > 20) return null;
  const parts = path.resolve(p).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (let i = 0; i < parts.length; i++) {
    const next = path.join(current, parts[i]!);
    const kind = kindOf(next);
    if (kind === "missing") return { path: next, exists: false };
    if (kind === "symlink") {
      try {
        current = realpathSync(next);
      } catch {
        return realOrMissing(path.join(path.resolve(current, readlinkSync(next)), ...parts.slice(i + 1)), depth + 1);
      }
    } else if (kind === "dir") current = next;
    else return null; // a file in the middle of the path: nothing can be created below it
  }
  return { path: current, exists: true };
}

function kindOf(p: string): "dir" | "file" | "symlink" | "other" | "missing" {
  try {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return "symlink";
    if (st.isDirectory()) return "dir";
    if (st.isFile()) return "file";
    return "other";
  } catch {
    return "missing";
  }
}
