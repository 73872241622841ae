import { describe, expect, it } from "vitest";
import { resolveLimits, DEFAULT_SANDBOX_LIMITS, isHostAllowed } from "../../../src/sandbox/index.js";
import { isPublicAddress } from "../../../src/sandbox/network-proxy.js";
import { buildSandboxEnv } from "../../../src/sandbox/sandbox-env.js";

describe("sandbox environment", () => {
  it("is rebuilt from the allowlist plus config values, whatever the host has", () => {
    process.env.OPENAI_API_KEY = "sk-host";
    const env = buildSandboxEnv({ NODE_ENV: "test" }, { FOO: "bar" });
    delete process.env.OPENAI_API_KEY;
    expect(env).toMatchObject({ HOME: "/home/sandbox", TERM: "dumb", CI: "1", NODE_ENV: "test", FOO: "bar", GIT_CONFIG_NOSYSTEM: "1" });
    expect(Object.keys(env)).not.toContain("OPENAI_API_KEY");
  });

  it.each(["GITHUB_TOKEN", "NPM_AUTH", "MY_API_KEY", "GIT_CONFIG_GLOBAL", "LD_PRELOAD", "BASH_ENV", "HOME", "bad-name"])("refuses %s", (name) => {
    expect(() => buildSandboxEnv({ [name]: "x" }, undefined)).toThrow(expect.objectContaining({ code: "sandbox/denied" }));
  });
});

describe("limits", () => {
  it("uses defaults, policy overrides, and lets a command only shorten the timeout", () => {
    expect(resolveLimits({ mode: "read-only", workspaceDir: "/w", network: "off" })).toEqual(DEFAULT_SANDBOX_LIMITS);
    const policy = { mode: "read-only" as const, workspaceDir: "/w", network: "off" as const, limits: { timeoutMs: 5000, maxProcesses: 10 } };
    expect(resolveLimits(policy, { timeoutMs: 60_000 })).toMatchObject({ timeoutMs: 5000, maxProcesses: 10 });
    expect(resolveLimits(policy, { timeoutMs: 100 }).timeoutMs).toBe(100);
    expect(() => resolveLimits({ ...policy, limits: { maxProcesses: -1 } })).toThrow(RangeError);
  });
});

describe("network allowlist matching", () => {
  it.each([
    [["registry.npmjs.org"], "registry.npmjs.org", 443, true],
    [["registry.npmjs.org"], "registry.npmjs.org", 80, false],
    [["registry.npmjs.org"], "evil.registry.npmjs.org", 443, false],
    [["*.pythonhosted.org"], "files.pythonhosted.org", 443, true],
    [["*.pythonhosted.org"], "pythonhosted.org", 443, false],
    [["*.pythonhosted.org"], "evilpythonhosted.org", 443, false],
    [["example.com:8443"], "example.com", 8443, true],
  ] as const)("%j allows %s:%d -> %s", (list, host, port, allowed) => {
    expect(isHostAllowed(list, host, port)).toBe(allowed);
  });

  it.each([
    ["8.8.8.8", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["169.254.169.254", false],
    ["192.168.1.1", false],
    ["172.20.0.1", false],
    ["::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["2606:4700::1111", true],
  ] as const)("%s public: %s", (address, expected) => expect(isPublicAddress(address)).toBe(expected));
});
