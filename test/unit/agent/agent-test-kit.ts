/**
 * Shared pieces for agent tests: a copy of a fixture repository in a temp dir, a run input with
 * small limits, and `processSandbox`, a TEST DOUBLE of the Sandbox contract that runs commands
 * with child_process directly in the workspace (no isolation at all). The real bubblewrap
 * sandbox is used by test/integration/agent/.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunAgentInput } from "../../../src/agent/types.js";
import type { RunCommandOptions, RunResult, Sandbox } from "../../../src/sandbox/types.js";

export const FIXTURES = fileURLToPath(new URL("../../../fixtures/repos/", import.meta.url));

export async function copyFixture(name: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function processSandbox(workspaceDir: string): Sandbox & { calls: RunCommandOptions[] } {
  const calls: RunCommandOptions[] = [];
  return {
    calls,
    policy: { mode: "workspace-write", workspaceDir, network: "off" },
    run(options: RunCommandOptions): Promise<RunResult> {
      calls.push(options);
      const started = Date.now();
      const [cmd, ...args] = options.script !== undefined ? ["bash", "-c", options.script] : [...options.argv!];
      return new Promise((resolve) => {
        const child = spawn(cmd!, args, { cwd: options.cwd ?? workspaceDir, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        let timedOut = false;
        const kill = () => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
        };
        const timer = setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs ?? 30_000);
        options.signal?.addEventListener("abort", kill, { once: true });
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          resolve({ exitCode: code, signal, stdout, stderr, truncated: false, timedOut, durationMs: Date.now() - started });
        });
        child.on("error", (e) => {
          clearTimeout(timer);
          resolve({ exitCode: 127, signal: null, stdout, stderr: String(e), truncated: false, timedOut, durationMs: Date.now() - started });
        });
      });
    },
  };
}

export function agentInput(dir: string, baseURL: string, overrides: Partial<RunAgentInput> = {}): RunAgentInput {
  return {
    task: { kind: "resolve-issue", text: "Issue #1: sum(2, 3) returns -1\n\nIt should add." },
    workspaceDir: dir,
    sandbox: processSandbox(dir),
    model: { name: "gpt-5", wireApi: "responses", baseURL, apiKey: "sk-test-key-0123456789", retryBaseDelayMs: 1, maxRetries: 2 },
    limits: { maxTurns: 30, maxMinutes: 5, maxTokens: 10_000_000, maxUsd: 100 },
    compaction: { strategy: "semantic", threshold: 0.8 },
    ...overrides,
  };
}

export const FIX_PATCH = `*** Begin Patch
*** Update File: src/sum.js
@@ export function sum(a, b) {
-  return a - b;
+  return a + b;
*** End Patch`;
