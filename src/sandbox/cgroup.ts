/**
 * A cgroup per command, when this process may create one: pids.max bounds a fork bomb even for
 * root (whom RLIMIT_NPROC does not bind), memory.max bounds memory, and killing the cgroup
 * catches anything that slipped out of the PID namespace. cgroup v2 is used when our own cgroup
 * is delegated to us; cgroup v1 (pids, memory) when its hierarchies are writable (root in a
 * container). Otherwise `detectCgroupSupport` answers null and only rlimits apply.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";

export type CgroupKind = "v2" | "v1";

export interface CgroupSupport {
  kind: CgroupKind;
  /** Parent directories: one for v2, one per controller (pids, memory) for v1. */
  pids: string;
  memory: string | null;
}

export interface JobCgroup {
  /** `cgroup.procs` files the command's first process must join before exec. */
  readonly procsFiles: string[];
  kill(): Promise<void>;
  /** Reads whether pids.max was hit (the fork bomb was bounded by the cgroup). */
  pidsLimitHit(): Promise<boolean>;
  remove(): Promise<void>;
}

let detected: Promise<CgroupSupport | null> | undefined;

export function detectCgroupSupport(): Promise<CgroupSupport | null> {
  detected ??= detect();
  return detected;
}

async function detect(): Promise<CgroupSupport | null> {
  const lines = (await readFile("/proc/self/cgroup", "utf8").catch(() => "")).split("\n");
  const v2Path = lines.find((l) => l.startsWith("0::"))?.slice(3);
  if (v2Path !== undefined) {
    for (const mount of ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]) {
      if (!existsSync(path.join(mount, "cgroup.controllers"))) continue;
      const base = path.join(mount, v2Path);
      const control = await readFile(path.join(base, "cgroup.subtree_control"), "utf8").catch(() => "");
      if (!control.split(/\s+/).includes("pids")) continue;
      if (await canCreateChild(base, "pids.max")) {
        return { kind: "v2", pids: base, memory: control.split(/\s+/).includes("memory") ? base : null };
      }
    }
  }
  const v1 = (controller: string) => {
    const line = lines.find((l) => l.split(":")[1]?.split(",").includes(controller));
    return line === undefined ? undefined : path.join("/sys/fs/cgroup", controller, line.split(":").slice(2).join(":"));
  };
  const pids = v1("pids");
  if (pids && (await canCreateChild(pids, "pids.max"))) {
    const memory = v1("memory");
    return { kind: "v1", pids, memory: memory && (await canCreateChild(memory, "memory.limit_in_bytes")) ? memory : null };
  }
  return null;
}

async function canCreateChild(base: string, file: string): Promise<boolean> {
  const probe = path.join(base, `issue-agent-probe-${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(probe);
  } catch {
    return false;
  }
  const ok = existsSync(path.join(probe, file));
  await rmdir(probe).catch(() => undefined);
  return ok;
}

export async function createJobCgroup(support: CgroupSupport, limits: { maxProcesses: number; maxMemoryBytes: number }): Promise<JobCgroup> {
  const name = `issue-agent-${process.pid}-${randomBytes(6).toString("hex")}`;
  const dirs: string[] = [];
  const pidsDir = path.join(support.pids, name);
  await mkdir(pidsDir);
  dirs.push(pidsDir);
  await writeFile(path.join(pidsDir, "pids.max"), String(limits.maxProcesses));
  if (support.memory) {
    const memDir = support.kind === "v2" ? pidsDir : path.join(support.memory, name);
    if (memDir !== pidsDir) {
      await mkdir(memDir);
      dirs.push(memDir);
    }
    const file = support.kind === "v2" ? "memory.max" : "memory.limit_in_bytes";
    await writeFile(path.join(memDir, file), String(limits.maxMemoryBytes));
    if (support.kind === "v2") await writeFile(path.join(memDir, "memory.swap.max"), "0").catch(() => undefined);
  }

  const killAll = async () => {
    if (support.kind === "v2") {
      await writeFile(path.join(pidsDir, "cgroup.kill"), "1").catch(() => undefined);
      return;
    }
    // cgroup v1 has no cgroup.kill: freeze-free best effort, repeated because a fork bomb
    // keeps forking while we read.
    for (let round = 0; round < 20; round++) {
      const pids = (await readFile(path.join(pidsDir, "cgroup.procs"), "utf8").catch(() => "")).split("\n").filter(Boolean);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Already gone: exactly what we want.
        }
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  return {
    procsFiles: dirs.map((d) => path.join(d, "cgroup.procs")),
    kill: killAll,
    async pidsLimitHit() {
      const events = await readFile(path.join(pidsDir, "pids.events"), "utf8").catch(() => "");
      return /max (\d+)/.test(events) && Number(/max (\d+)/.exec(events)?.[1]) > 0;
    },
    async remove() {
      await killAll();
      for (const dir of dirs) {
        for (let attempt = 0; attempt < 200; attempt++) {
          try {
            await rmdir(dir);
            break;
          } catch {
            if (attempt % 20 === 19) await killAll();
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }
    },
  };
}
