/** Spawns test/integration/jobs/fixtures/worker-child.ts and collects its EVENT lines. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../../unit/jobs/queue-test-kit.js";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "worker-child.ts");

export interface ChildEvent {
  event: "ready" | "start" | "end" | "aborted" | "giveup";
  pid: number;
  at: number;
  jobId?: string;
  key?: string;
  attempt?: number;
  reason?: string;
}

export interface WorkerChild {
  proc: ChildProcess;
  events: ChildEvent[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForEvent(match: (e: ChildEvent) => boolean, what: string, timeoutMs?: number): Promise<ChildEvent>;
}

export async function spawnWorker(env: Record<string, string>): Promise<WorkerChild> {
  const proc = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: ChildEvent[] = [];
  const stderr: string[] = [];
  let buffer = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("EVENT ")) events.push(JSON.parse(line.slice(6)) as ChildEvent);
  });
  proc.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const child: WorkerChild = {
    proc,
    events,
    stderr,
    exited,
    waitForEvent: (match, what, timeoutMs = 15_000) =>
      waitFor(
        () => {
          if (proc.exitCode !== null && !events.some(match)) throw new Error(`worker exited (${proc.exitCode}) before ${what}: ${stderr.join("")}`);
          return events.find(match);
        },
        what,
        timeoutMs,
      ),
  };
  await child.waitForEvent((e) => e.event === "ready", "the worker to start");
  return child;
}

export function killAll(children: WorkerChild[]): void {
  for (const child of children) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill("SIGKILL");
}
