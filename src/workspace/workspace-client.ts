/**
 * The app's side of a workspace worker (workspace-worker.ts): start the child with a heap cap, a
 * cgroup when the host delegates one, and an environment with nothing secret in it; send calls,
 * each with a time limit; kill it on cancel, timeout or the end of the job. When the child dies
 * (crash, OOM, kill) every pending call fails with a typed error and the app carries on.
 */
import { hostPath, hostTmpDir, nodeEnv } from "../config/process-env.js";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CancelledError } from "../shared/errors.js";
import { createJobCgroup, detectCgroupSupport, type JobCgroup } from "../sandbox/cgroup.js";
import { WorkspaceError } from "./errors.js";
import { deserializeError, type FromWorker, type OpName, type ToWorker, type WorkerOps, type WorkerSettings } from "./worker-protocol.js";
import { silentLog, type WorkspaceLog } from "./workspace-log.js";

export interface WorkerLimits {
  /** V8 heap cap of the worker (--max-old-space-size), MiB. */
  heapMb: number;
  /** cgroup memory.max for the worker and the git it runs, where available; bytes. */
  memoryBytes: number;
  /** Per-call time limits, ms. */
  cloneTimeoutMs: number;
  opTimeoutMs: number;
}

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const ENTRY = path.join(path.dirname(here), `workspace-worker${ext}`);

function crashed(detail: string): WorkspaceError {
  return new WorkspaceError("workspace/worker", `The workspace worker stopped: ${detail}.`, {
    userMessage:
      "The repository work for this job stopped (it ran out of memory, time or crashed), so the job was ended and nothing was pushed. The app itself is unaffected; try again, or ask the operator to raise the workspace limits.",
  });
}

export class WorkspaceWorker {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private exited: Error | undefined;
  private cgroup: JobCgroup | undefined;
  readonly ready: Promise<void>;
  log: WorkspaceLog = silentLog;

  constructor(
    settings: WorkerSettings,
    private readonly limits: WorkerLimits,
  ) {
    // Running from TypeScript sources (tests, `tsx`): the child needs the same loader, found from here, not from its cwd.
    const execArgv = [`--max-old-space-size=${limits.heapMb}`, ...(ext === ".ts" ? ["--import", import.meta.resolve("tsx")] : [])];
    this.child = fork(ENTRY, [], {
      execArgv,
      // Nothing secret reaches the worker's environment: the token arrives per call over IPC.
      env: { PATH: hostPath(), TMPDIR: hostTmpDir(), NODE_ENV: nodeEnv() },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    let onReady: () => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.ready.catch(() => undefined);
    this.child.on("message", (m: FromWorker) => {
      if (m.type === "ready") onReady();
      else if (m.type === "log") this.log[m.level](m.obj, m.msg);
      else this.settle(m.id, m.ok ? { value: m.value } : { error: deserializeError(m.error) });
    });
    this.child.on("exit", (code, signal) => {
      this.exited ??= crashed(signal ? `killed by ${signal}` : `exit code ${code}`);
      onFail(this.exited);
      for (const id of [...this.pending.keys()]) this.settle(id, { error: this.exited });
      void this.cgroup?.remove().catch(() => undefined);
    });
    this.child.on("error", (e) => {
      this.exited ??= crashed(e.message);
      onFail(this.exited);
    });
    this.post({ type: "init", settings });
    void this.joinCgroup();
  }

  private async joinCgroup(): Promise<void> {
    const support = await detectCgroupSupport().catch(() => null);
    if (!support || !this.child.pid || this.exited) return;
    try {
      this.cgroup = await createJobCgroup(support, { maxProcesses: 512, maxMemoryBytes: this.limits.memoryBytes });
      const { writeFile } = await import("node:fs/promises");
      for (const file of this.cgroup.procsFiles) await writeFile(file, String(this.child.pid));
    } catch {
      // rlimits and the heap cap still apply; a cgroup is defence in depth.
    }
  }

  private post(message: ToWorker): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(message);
  }

  private settle(id: number, outcome: { value?: unknown; error?: Error }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (outcome.error) p.reject(outcome.error);
    else p.resolve(outcome.value);
  }

  get alive(): boolean {
    return !this.exited;
  }

  async call<K extends OpName>(op: K, args: WorkerOps[K]["args"], signal?: AbortSignal): Promise<WorkerOps[K]["result"]> {
    if (signal?.aborted) throw new CancelledError();
    if (this.exited) throw this.exited;
    await this.ready;
    const id = this.nextId++;
    const timeoutMs = op === "clone" ? this.limits.cloneTimeoutMs : this.limits.opTimeoutMs;
    return new Promise<WorkerOps[K]["result"]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exited ??= crashed(`${op} took longer than ${Math.round(timeoutMs / 1000)} s`);
        this.kill();
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const onAbort = (): void => {
        this.exited ??= new CancelledError();
        this.kill();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = (): void => signal?.removeEventListener("abort", onAbort);
      const entry = this.pending.get(id)!;
      this.pending.set(id, {
        timer,
        resolve: (v) => {
          done();
          entry.resolve(v);
        },
        reject: (e) => {
          done();
          entry.reject(e);
        },
      });
      this.post({ type: "call", id, op, args });
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    void this.cgroup?.kill().catch(() => undefined);
  }

  /** Ends the child and waits until it is gone. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.exited ??= crashed("closed");
    this.kill();
    await gone;
  }

  /** An idle (spare) worker must not keep the app alive on shutdown; a busy one must. */
  setIdle(idle: boolean): void {
    const channel = this.child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (idle) {
      this.child.unref();
      channel?.unref?.();
    } else {
      this.child.ref();
      channel?.ref?.();
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}
