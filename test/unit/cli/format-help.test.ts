import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatHelp } from "../../../src/cli/format-help.js";

describe("run --help", () => {
  it("lists every agent.yml key run uses, what needs the person's confirmation, and the flags that grant it", () => {
    const help = formatHelp("run");
    for (const key of ["model.*", "limits.*", "compaction.*", "sandbox.mode", "sandbox.env", "sandbox.testCommand", "sandbox.setupCommands", "sandbox.network"])
      expect(help).toContain(key);
    expect(help).toContain("--network HOSTS");
    expect(help).toContain("--skip-setup");
    expect(help).toMatch(/only a request: setup commands get network only for the hosts you\s+pass with --network, or confirm when asked on a terminal/);
    expect(help).toMatch(/never danger-full-access/);
  });

  it("names the same keys as the README's CLI table", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    for (const key of [
      "`model.*`",
      "`limits.*`, `compaction.*`",
      "`sandbox.mode`",
      "`sandbox.env`, `sandbox.testCommand`",
      "`sandbox.setupCommands`",
      "`sandbox.network`",
    ])
      expect(readme).toContain(`| ${key} |`);
  });
});
