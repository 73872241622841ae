/** The installed entry point: `issue-agent` (bin/issue-agent.js) as a real process. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../../bin/issue-agent.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// Run the TypeScript source through tsx: a lib/ left by an older build must not decide the result.
const opts = { cwd: ROOT, env: { ...process.env, ISSUE_AGENT_FROM_SOURCE: "1" } };

describe("bin/issue-agent.js", () => {
  it("prints help and the version, exit 0", async () => {
    const help = await run(process.execPath, [BIN, "--help"], opts);
    expect(help.stdout).toContain('issue-agent run "<task>" [options]');
    const version = await run(process.execPath, [BIN, "--version"], opts);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("sets the exit code: 2 for a usage error, with the message on stderr", async () => {
    const error = (await run(process.execPath, [BIN, "run"], opts).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toContain("run needs a task");
  });
});
