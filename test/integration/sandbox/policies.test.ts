import { chmodSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkSandboxAvailable, createSandbox, runCommand } from "../../../src/sandbox/index.js";
import { createFakeHost, hostProcesses, type FakeHost } from "./fixture.js";

let host: FakeHost;
beforeEach(() => {
  host = createFakeHost();
});
afterEach(() => host.cleanup());

describe("sandbox policies", () => {
  it("refuses danger-full-access unless the operator opted in", async () => {
    const marker = path.join(host.workspace, "ran");
    await expect(runCommand(host.policy({ mode: "danger-full-access" }), { script: `touch ${marker}` })).rejects.toMatchObject({ code: "sandbox/denied" });
    expect(existsSync(marker)).toBe(false);
    const result = await runCommand(host.policy({ mode: "danger-full-access", allowDangerFullAccess: true }), { script: `touch ${marker}; echo $HOME` });
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("even danger-full-access gets the rebuilt environment and loses its background children", async () => {
    process.env.GITHUB_TOKEN = "ghs_canary_full_access";
    try {
      const result = await runCommand(host.policy({ mode: "danger-full-access", allowDangerFullAccess: true }), { script: "env; sleep 3600 0.00555 &" });
      expect(result.stdout).not.toContain("ghs_canary_full_access");
      for (let i = 0; i < 40 && hostProcesses("sleep 3600 0.00555").length > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(hostProcesses("sleep 3600 0.00555")).toEqual([]);
    } finally {
      delete process.env.GITHUB_TOKEN;
    }
  });

  it("createSandbox binds the policy and runs argv and scripts in the workspace", async () => {
    const sandbox = createSandbox(host.policy());
    expect(sandbox.policy.mode).toBe("workspace-write");
    expect((await sandbox.run({ argv: ["cat", "README.md"] })).stdout).toBe("hello\n");
    expect((await sandbox.run({ script: "pwd", cwd: "." })).stdout.trim()).toBe(host.workspace);
    expect((await sandbox.run({ argv: ["sh", "-c", "exit 3"] })).exitCode).toBe(3);
    expect((await sandbox.run({ argv: ["cat"], stdin: "piped" })).stdout).toBe("piped");
  });

  it("reports a sandbox that cannot create namespaces as unavailable, with the fix", async () => {
    const fakeBwrap = path.join(host.root, "bwrap");
    writeFileSync(
      fakeBwrap,
      "#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n",
    );
    chmodSync(fakeBwrap, 0o755);
    const availability = await checkSandboxAvailable({ bwrapPath: fakeBwrap });
    expect(availability).toMatchObject({ ok: false, fix: expect.stringMatching(/user namespaces/) });
    await expect(runCommand(host.policy({ bwrapPath: fakeBwrap }), { argv: ["true"] })).rejects.toMatchObject({ code: "sandbox/unavailable" });
    expect(await checkSandboxAvailable({ bwrapPath: "/nonexistent/bwrap" })).toMatchObject({ ok: false, fix: expect.stringMatching(/bubblewrap/) });
    expect(await checkSandboxAvailable()).toMatchObject({ ok: true });
  });
});
