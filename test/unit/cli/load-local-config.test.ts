import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadLocalConfig } from "../../../src/cli/load-local-config.js";
import { ConfigError } from "../../../src/shared/errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(text: string) {
  await mkdir(path.join(dir, ".github"), { recursive: true });
  await writeFile(path.join(dir, ".github/agent.yml"), text);
}

describe("loadLocalConfig", () => {
  it("uses all defaults without a file", async () => {
    const { config, file } = await loadLocalConfig(dir);
    expect(file).toBeUndefined();
    expect(config.sandbox.mode).toBe("workspace-write");
  });

  it("refuses an agent.yml that is a symlink (to /dev/zero, or a file elsewhere) instead of following it", async () => {
    await mkdir(path.join(dir, ".github"), { recursive: true });
    await symlink("/dev/zero", path.join(dir, ".github/agent.yml"));
    await expect(loadLocalConfig(dir)).rejects.toThrow(".github/agent.yml is not a regular file (a symlink, FIFO or directory); not read");
  });

  it("reads .github/agent.yml through the app's schema", async () => {
    await writeConfig("model:\n  name: qwen2.5-coder\n  wireApi: chat\nlimits:\n  maxTurns: 12\n");
    const { config } = await loadLocalConfig(dir);
    expect(config.model).toMatchObject({ name: "qwen2.5-coder", wireApi: "chat" });
    expect(config.limits.maxTurns).toBe(12);
  });

  it("lists every problem of an invalid file", async () => {
    await writeConfig("limits:\n  maxTurns: -1\nmodle: {}\n");
    const error = await loadLocalConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toContain("limits.maxTurns");
    expect(issues).toContain("modle");
  });

  it("says when the YAML itself is broken", async () => {
    await writeConfig("model: [unclosed\n");
    await expect(loadLocalConfig(dir)).rejects.toThrow(/not valid YAML/);
  });
});
