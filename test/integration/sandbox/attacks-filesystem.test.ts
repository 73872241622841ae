import { existsSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, runCommand } from "../../../src/sandbox/index.js";
import { createFakeHost, KEY_CANARY, OTHER_JOB_CANARY, type FakeHost } from "./fixture.js";

let host: FakeHost;
beforeEach(() => {
  host = createFakeHost();
});
afterEach(() => host.cleanup());

describe("sandbox filesystem attacks", () => {
  it("cannot write outside the workspace by absolute path, .. or a planted symlink", async () => {
    symlinkSync(host.dataDir, path.join(host.workspace, "link"));
    const result = await runCommand(host.policy(), {
      script: [
        `echo pwned > ${host.dataDir}/abs.txt`,
        "echo pwned > ../escape.txt",
        "echo pwned > link/via-symlink.txt",
        "echo pwned > /etc/pwned.txt",
        "echo ok > inside.txt",
      ].join("; "),
    });
    expect(existsSync(path.join(host.dataDir, "abs.txt"))).toBe(false);
    expect(existsSync(path.join(host.dataDir, "workspaces", "escape.txt"))).toBe(false);
    expect(existsSync(path.join(host.dataDir, "via-symlink.txt"))).toBe(false);
    expect(existsSync("/etc/pwned.txt")).toBe(false);
    // The workspace itself stays writable: the defence is not "nothing works".
    expect(readFileSync(path.join(host.workspace, "inside.txt"), "utf8")).toBe("ok\n");
    expect(result.exitCode).toBe(0);
  });

  it("cannot read the app's private key or another job's workspace", async () => {
    symlinkSync(host.keyFile, path.join(host.workspace, "key-link"));
    const result = await runCommand(host.policy({ mode: "read-only" }), {
      script: `cat ${host.keyFile}; cat key-link; cat ${host.otherWorkspace}/secret.txt; cat ../job-b/secret.txt; ls -la ${host.dataDir}; ls /root /var/run/docker.sock /run; true`,
    });
    const all = result.stdout + result.stderr;
    expect(all).not.toContain(KEY_CANARY);
    expect(all).not.toContain(OTHER_JOB_CANARY);
    expect(all).toMatch(/No such file or directory/);
  });

  it("sees its own fresh /proc, not the host's processes", async () => {
    const result = await runCommand(host.policy(), { script: "ls /proc | grep -c '^[0-9]'; cat /proc/1/cmdline | tr '\\0' ' '" });
    const [count] = result.stdout.split("\n");
    expect(Number(count)).toBeLessThan(8);
    expect(result.stdout).not.toContain("vitest");
  });

  it("read-only mode refuses a write inside the workspace", async () => {
    const result = await runCommand(host.policy({ mode: "read-only" }), { script: "echo changed > README.md" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(path.join(host.workspace, "README.md"), "utf8")).toBe("hello\n");
  });

  it("workspace-write keeps .git/hooks and .git/config read-only", async () => {
    const configBefore = readFileSync(path.join(host.workspace, ".git", "config"), "utf8");
    const result = await runCommand(host.policy(), {
      script: [
        "echo 'touch /tmp/pwned' > .git/hooks/pre-commit",
        "chmod +x .git/hooks/pre-commit",
        "printf '[core]\\n\\tfsmonitor = touch pwned\\n' >> .git/config",
        "git config core.hooksPath /tmp",
        "echo edited > README.md",
      ].join("; "),
    });
    expect(existsSync(path.join(host.workspace, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(path.join(host.workspace, ".git", "config"), "utf8")).toBe(configBefore);
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(path.join(host.workspace, "README.md"), "utf8")).toBe("edited\n");
  });

  it("an embedded bare repository with core.fsmonitor runs nothing on git status", async () => {
    const evil = path.join(host.workspace, "evil");
    execFileSync("git", ["init", "-q", "--bare", evil]);
    const marker = path.join(host.workspace, "fsmonitor-ran");
    for (const [key, value] of [
      ["core.bare", "false"],
      ["core.worktree", evil],
      ["core.fsmonitor", `touch ${marker}; false`],
    ] as const) {
      execFileSync("git", ["config", "-f", path.join(evil, "config"), key, value]);
    }
    const result = await runCommand(host.policy(), { script: "cd evil && git status" });
    expect(existsSync(marker)).toBe(false);
    expect(result.stderr).toMatch(/safe\.bareRepository/);
  });

  it("a file written in one job's HOME or /tmp is absent in the next job", async () => {
    const write = "echo leftover > ~/marker && echo leftover > /tmp/marker && cat ~/marker /tmp/marker";
    const read = "cat ~/marker /tmp/marker";
    // One-off commands: each gets its own fresh HOME and /tmp.
    expect((await runCommand(host.policy(), { script: write })).stdout).toBe("leftover\nleftover\n");
    expect((await runCommand(host.policy(), { script: read })).stdout).toBe("");
    // Jobs with their own scratch dir: shared within the job, absent in the next one.
    mkdirSync(path.join(host.root, "scratch-1"));
    mkdirSync(path.join(host.root, "scratch-2"));
    const job1 = createSandbox(host.policy({ scratchDir: path.join(host.root, "scratch-1") }));
    const job2 = createSandbox(host.policy({ scratchDir: path.join(host.root, "scratch-2") }));
    await job1.run({ script: write });
    expect((await job1.run({ script: read })).stdout).toBe("leftover\nleftover\n");
    const next = await job2.run({ script: read });
    expect(next.stdout).toBe("");
    expect(next.stderr).toMatch(/No such file/);
  });

  it("refuses a working directory outside the workspace", async () => {
    writeFileSync(path.join(host.root, "outside.txt"), "x");
    await expect(runCommand(host.policy(), { argv: ["ls"], cwd: host.dataDir })).rejects.toMatchObject({ code: "sandbox/denied" });
    await expect(runCommand(host.policy(), { argv: ["ls"], cwd: "../job-b" })).rejects.toMatchObject({ code: "sandbox/denied" });
  });
});
