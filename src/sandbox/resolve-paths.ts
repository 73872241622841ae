/**
 * Host-side paths for one command: the real workspace, a working directory that must resolve
 * (symlinks followed) inside it, and the scratch HOME and /tmp.
 */
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SandboxError } from "../shared/errors.js";

export async function resolveWorkspace(workspaceDir: string): Promise<string> {
  if (!path.isAbsolute(workspaceDir)) throw denied(`The workspace path must be absolute, got "${workspaceDir}".`);
  try {
    return await realpath(workspaceDir);
  } catch {
    throw denied(`The workspace ${workspaceDir} does not exist.`);
  }
}

export async function resolveCwd(workspace: string, cwd: string | undefined): Promise<string> {
  if (cwd === undefined) return workspace;
  let real: string;
  try {
    real = await realpath(path.resolve(workspace, cwd));
  } catch {
    throw denied(`The working directory "${cwd}" does not exist in the workspace.`);
  }
  const rel = path.relative(workspace, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw denied(`The working directory "${cwd}" is outside the workspace.`);
  return real;
}

export interface Scratch {
  home: string;
  tmp: string;
  /** Removes the scratch when the sandbox created it; a caller-owned scratchDir is kept. */
  release(): Promise<void>;
}

/**
 * With `scratchDir` (one per job, owned by the caller) HOME and /tmp persist across the job's
 * commands, so `npm ci` then `npm test` share a cache; without it every command gets a fresh
 * pair that is removed afterwards. Either way nothing carries over from one job to the next.
 */
export async function prepareScratch(scratchDir: string | undefined): Promise<Scratch> {
  const owned = scratchDir === undefined;
  const root = scratchDir ?? (await mkdtemp(path.join(os.tmpdir(), "issue-agent-job-")));
  const home = path.join(root, "home");
  const tmp = path.join(root, "tmp");
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  return {
    home,
    tmp,
    release: async () => {
      if (owned) await rm(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function denied(message: string): SandboxError {
  return new SandboxError("sandbox/denied", message, { userMessage: message });
}
