/**
 * Start-to-exit time of `true` under each sandbox policy versus a plain child_process.spawn.
 * Target: median overhead under 20 ms. Prints figures; does not assert.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkSandboxAvailable, runCommand, type SandboxPolicy } from "../src/sandbox/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const workspace = mkdtempSync(path.join(os.tmpdir(), "sandbox-bench-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

const plainSpawn = () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn("true", [], { stdio: ["pipe", "pipe", "pipe"] });
    child.on("error", reject);
    child.on("close", () => resolve());
  });

const availability = await checkSandboxAvailable();
console.log("sandbox:", JSON.stringify(availability));
const base = median(await time(plainSpawn));
console.log(`plain spawn           median ${base.toFixed(1)} ms`);
const policies: [string, SandboxPolicy][] = [
  ["read-only", { mode: "read-only", workspaceDir: workspace, network: "off" }],
  ["workspace-write", { mode: "workspace-write", workspaceDir: workspace, network: "off" }],
  ["danger-full-access", { mode: "danger-full-access", allowDangerFullAccess: true, workspaceDir: workspace, network: "off" }],
  ["workspace-write+proxy", { mode: "workspace-write", workspaceDir: workspace, network: ["registry.npmjs.org"] }],
];
for (const [name, policy] of policies) {
  const samples = await time(() => runCommand(policy, { argv: ["true"] }));
  const m = median(samples);
  console.log(
    `${name.padEnd(22)}median ${m.toFixed(1)} ms  overhead ${(m - base).toFixed(1)} ms  (p90 ${[...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.9)]?.toFixed(1)} ms)`,
  );
}
rmSync(workspace, { recursive: true, force: true });
