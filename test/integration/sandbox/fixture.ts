/**
 * A fake host for the attack tests: an AGENT_DATA_DIR holding the app's private key and two
 * jobs' workspaces. Job A's workspace (a real git repo) is the one the sandbox runs in.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SandboxPolicy } from "../../../src/sandbox/index.js";

export const KEY_CANARY = "-----BEGIN RSA PRIVATE KEY----- canary-key-7f3a";
export const OTHER_JOB_CANARY = "other-job-secret-91c2";

export interface FakeHost {
  root: string;
  dataDir: string;
  keyFile: string;
  workspace: string;
  otherWorkspace: string;
  policy(overrides?: Partial<SandboxPolicy>): SandboxPolicy;
  cleanup(): void;
}

export function createFakeHost(): FakeHost {
  const root = mkdtempSync(path.join(os.tmpdir(), "sandbox-attack-"));
  const dataDir = path.join(root, "data");
  const workspace = path.join(dataDir, "workspaces", "job-a");
  const otherWorkspace = path.join(dataDir, "workspaces", "job-b");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(otherWorkspace, { recursive: true });
  const keyFile = path.join(dataDir, "app.private-key.pem");
  writeFileSync(keyFile, `${KEY_CANARY}\n`, { mode: 0o600 });
  writeFileSync(path.join(otherWorkspace, "secret.txt"), OTHER_JOB_CANARY);
  execFileSync("git", ["init", "-q", workspace]);
  writeFileSync(path.join(workspace, "README.md"), "hello\n");
  return {
    root,
    dataDir,
    keyFile,
    workspace,
    otherWorkspace,
    policy: (overrides = {}) => ({ mode: "workspace-write", workspaceDir: workspace, network: "off", ...overrides }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Host processes whose command line contains `needle` (this test's own pgrep excluded). */
export function hostProcesses(needle: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", needle], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l && !l.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
