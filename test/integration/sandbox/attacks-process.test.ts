import { spawn } from "node:child_process";
import { waitFor as waitForHelper } from "../../helpers/wait-for.js";
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommand } from "../../../src/sandbox/index.js";
import { createFakeHost, hostProcesses, type FakeHost } from "./fixture.js";

let host: FakeHost;
beforeEach(() => {
  host = createFakeHost();
});
afterEach(() => host.cleanup());

describe("sandbox process, environment and network attacks", () => {
  it("the environment holds no secret of the app", async () => {
    const canaries = {
      OPENAI_API_KEY: "sk-canary-openai",
      PRIVATE_KEY: "canary-private-key",
      GITHUB_TOKEN: "ghs_canarytoken",
      WEBHOOK_SECRET: "canary-webhook",
    };
    const saved = Object.fromEntries(Object.keys(canaries).map((k) => [k, process.env[k]]));
    Object.assign(process.env, canaries);
    try {
      const result = await runCommand(host.policy({ env: { NODE_ENV: "test" } }), { script: "env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'" });
      for (const [name, value] of Object.entries(canaries)) {
        expect(result.stdout).not.toContain(name);
        expect(result.stdout).not.toContain(value);
      }
      expect(result.stdout).toContain("NODE_ENV=test");
      expect(result.stdout).toContain("HOME=/home/sandbox");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("refuses secret-looking or defence-undoing variables from the caller", async () => {
    await expect(runCommand(host.policy(), { argv: ["true"], env: { GITHUB_TOKEN: "x" } })).rejects.toMatchObject({ code: "sandbox/denied" });
    await expect(runCommand(host.policy(), { argv: ["true"], env: { GIT_CONFIG_GLOBAL: "/dev/null" } })).rejects.toMatchObject({ code: "sandbox/denied" });
    await expect(runCommand(host.policy(), { argv: ["true"], env: { LD_PRELOAD: "/tmp/x.so" } })).rejects.toMatchObject({ code: "sandbox/denied" });
  });

  it("cannot connect to a server listening on the host's 127.0.0.1", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.end("hello from the host\n");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const result = await runCommand(host.policy(), {
        script: `cat < /dev/tcp/127.0.0.1/${port}; curl -sS --max-time 2 http://127.0.0.1:${port}/; echo exit=$?`,
        timeoutMs: 10_000,
      });
      expect(result.stdout).not.toContain("hello from the host");
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it("a fork bomb is bounded by the process cap and the host survives", async () => {
    const hostBefore = countHostProcesses();
    // perl forks without bash's retry-with-backoff, so the count it reaches is the cap.
    const counted = await runCommand(host.policy({ limits: { maxProcesses: 40 } }), {
      argv: ["perl", "-e", 'my $n = 0; for (1..300) { my $p = fork(); last unless defined $p; if ($p == 0) { sleep 30; exit 0 } $n++ } print "$n\\n";'],
      timeoutMs: 15_000,
    });
    const spawned = Number(counted.stdout.trim());
    expect(spawned).toBeGreaterThan(5);
    expect(spawned).toBeLessThan(40);
    // The classic bomb: it hits the cap, then the timeout kills the whole tree.
    const bomb = await runCommand(host.policy({ limits: { maxProcesses: 40 } }), { script: "bomb() { bomb | bomb & }; bomb; sleep 30", timeoutMs: 2000 });
    expect(bomb.timedOut).toBe(true);
    await waitFor(() => countHostProcesses() <= hostBefore + 5);
    expect(countHostProcesses()).toBeLessThanOrEqual(hostBefore + 5);
  });

  it("`yes` is capped (head and tail kept, cut marked) and killed at the timeout", async () => {
    const result = await runCommand(host.policy({ limits: { maxOutputBytes: 10_000 } }), { script: "echo FIRST; yes", timeoutMs: 2000 });
    expect(result.timedOut).toBe(true);
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(10_200);
    expect(result.stdout.startsWith("FIRST\n")).toBe(true);
    expect(result.stdout).toMatch(/bytes cut by the sandbox output cap/);
    expect(hostProcesses("^yes$")).toEqual([]);
  });

  it("`sleep 3600` is killed at a 2 s timeout with no process left", async () => {
    const started = Date.now();
    const result = await runCommand(host.policy(), { argv: ["sleep", "3600", "0.00421"], timeoutMs: 2000 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    expect(Date.now() - started).toBeLessThan(4000);
    await waitFor(() => hostProcesses("sleep 3600 0.00421").length === 0);
    expect(hostProcesses("sleep 3600 0.00421")).toEqual([]);
  });

  it("a background child left by `sleep 3600 &` is gone once the command exits", async () => {
    const started = Date.now();
    const result = await runCommand(host.policy(), { script: "sleep 3600 0.00777 & echo started", timeoutMs: 20_000 });
    expect(result.stdout).toBe("started\n");
    expect(result.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    await waitFor(() => hostProcesses("sleep 3600 0.00777").length === 0);
    expect(hostProcesses("sleep 3600 0.00777")).toEqual([]);
  });

  it("a cancelled command is killed with its tree", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await runCommand(host.policy(), { script: "sleep 3600 0.00999 & sleep 3600 0.00999", signal: controller.signal });
    expect(result.cancelled).toBe(true);
    await waitFor(() => hostProcesses("sleep 3600 0.00999").length === 0);
    expect(hostProcesses("sleep 3600 0.00999")).toEqual([]);
  });

  it("a file larger than the file-size cap cannot be written", async () => {
    const result = await runCommand(host.policy({ limits: { maxFileBytes: 64 * 1024 } }), {
      script: "head -c 1000000 /dev/zero > big.bin; stat -c %s big.bin",
    });
    expect(Number(result.stdout.trim().split("\n").at(-1))).toBeLessThanOrEqual(64 * 1024);
  });

  it("no new session is shared and only stdio is open: `ls /proc/self/fd` shows 0, 1, 2 and the listing itself", async () => {
    // Run from a child process that inherits extra fds without close-on-exec (fds 3-5), as the
    // app would from a careless parent; the prelude must close them before the command runs.
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "list-fds.script.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, host.workspace], { stdio: ["ignore", "pipe", "inherit", "pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on("close", r));
    const { fds, inheritedInParent } = JSON.parse(out) as { fds: string[]; inheritedInParent: string[] };
    expect(inheritedInParent).toEqual(expect.arrayContaining(["3", "4", "5"]));
    expect(fds).toEqual(["0", "1", "2", "3"]);
  });

  it("fails closed when bubblewrap is missing: nothing runs", async () => {
    const marker = path.join(host.workspace, "ran");
    await expect(runCommand(host.policy({ bwrapPath: "/nonexistent/bwrap" }), { script: `touch ${marker}` })).rejects.toMatchObject({
      code: "sandbox/unavailable",
      message: expect.stringMatching(/apt-get install bubblewrap/),
    });
    expect(existsSync(marker)).toBe(false);
  });
});

function countHostProcesses(): number {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).length;
}

/** Waits for `check`; on timeout the test's own assertion after it reports what is wrong. */
async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  await waitForHelper(check, { what: "the host process count to settle", timeoutMs: ms, intervalMs: 50 }).catch(() => undefined);
}
