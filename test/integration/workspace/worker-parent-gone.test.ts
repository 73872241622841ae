/**
 * A workspace worker whose app closes it before it has even said "ready" (a spare worker at shutdown)
 * must end quietly: before, its first IPC write failed with EPIPE and crashed it with a stack trace
 * on the app's stderr.
 */
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../src/workspace/workspace-worker.ts");

function startThenDisconnect(afterMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = fork(ENTRY, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    setTimeout(() => child.connected && child.disconnect(), afterMs);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("workspace worker whose app goes away", () => {
  it("exits 0 without an EPIPE crash, whenever the channel closes during start-up", async () => {
    // Spread over start-up: before, during and after the module loads and the worker says "ready".
    const ends = await Promise.all([100, 180, 260, 340, 420, 500].map(startThenDisconnect));
    for (const end of ends) {
      expect(end.stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
      expect(end.code).toBe(0);
    }
  }, 30_000);
});
