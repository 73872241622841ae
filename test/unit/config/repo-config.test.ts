import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { parseRepoConfig, RepoConfigError } from "../../../src/config/parse-repo-config.js";
import { applyOperatorCaps, DEFAULT_REPO_CONFIG, type RepoConfig } from "../../../src/config/repo-config.js";

type Case = { name: string; input: unknown } & ({ valid: true; expect?: (config: RepoConfig) => void } | { valid: false; issues: string[] });

const FULL_FILE = {
  trigger: { label: "ai", commandPrefix: "/bot", minPermission: "maintain", allowedBots: ["renovate[bot]"], removeLabel: false },
  model: { name: "gpt-5-mini", wireApi: "chat", reasoningEffort: "high", vision: true, contextWindow: 200000, nativeTools: true },
  sandbox: { mode: "read-only", network: ["registry.npmjs.org"], setupCommands: ["npm ci"], testCommand: "npm test", env: { CI: "true" } },
  limits: { maxTurns: 40, maxMinutes: 15, maxTokens: 1000000, maxUsd: 1.5 },
  compaction: { strategy: "aggressive", threshold: 0.6 },
  branch: { prefix: "bots/" },
  pullRequest: { draft: true, allowConfigChanges: false, commitMethod: "git" },
  selfReview: { enabled: true, fixAt: "medium", maxRounds: 1, modelReview: true },
  autofix: { enabled: true, maxAttempts: 3 },
  review: {
    enabled: true,
    events: ["opened"],
    includeDrafts: true,
    reviewOwnPullRequests: false,
    minSeverity: "medium",
    requestChangesAt: "high",
    ignorePaths: ["vendor/**"],
    secretScan: true,
    modelReview: false,
    sarif: true,
  },
};

const cases: Case[] = [
  { name: "an absent file gives the documented defaults", input: undefined, valid: true, expect: (c) => expect(c).toEqual(DEFAULT_REPO_CONFIG) },
  {
    name: "defaults are what the README documents",
    input: {},
    valid: true,
    expect: (c) => {
      expect(c.trigger).toEqual({ label: "agent", commandPrefix: "/agent", minPermission: "write", allowedBots: [], removeLabel: true });
      expect(c.branch.prefix).toBe("agent/");
      expect(c.sandbox).toEqual({ mode: "workspace-write", network: "off", setupCommands: [], env: {} });
      expect(c.limits).toEqual({ maxTurns: 100, maxMinutes: 30, maxTokens: 5_000_000, maxUsd: 5 });
      expect(c.compaction).toEqual({ strategy: "semantic", threshold: 0.8 });
      expect(c.pullRequest.draft).toBe(true);
      expect(c.review.secretScan).toBe(true);
    },
  },
  { name: "a full valid file is kept as written", input: FULL_FILE, valid: true, expect: (c) => expect(c).toEqual(FULL_FILE) },
  {
    name: "a partial section keeps the other keys' defaults",
    input: { limits: { maxTurns: 5 } },
    valid: true,
    expect: (c) => expect(c.limits).toEqual({ ...DEFAULT_REPO_CONFIG.limits, maxTurns: 5 }),
  },
  {
    name: "wrong type",
    input: { pullRequest: { draft: "yes" } },
    valid: false,
    issues: ["pullRequest.draft: Invalid input: expected boolean, received string"],
  },
  {
    name: "unknown enum value",
    input: { sandbox: { mode: "yolo" } },
    valid: false,
    issues: ['sandbox.mode: Invalid option: expected one of "read-only"|"workspace-write"|"danger-full-access"'],
  },
  {
    name: "unknown wire API",
    input: { model: { wireApi: "grpc" } },
    valid: false,
    issues: ['model.wireApi: Invalid option: expected one of "responses"|"chat"'],
  },
  { name: "negative limit", input: { limits: { maxUsd: -1 } }, valid: false, issues: ["limits.maxUsd: Too small: expected number to be >0"] },
  {
    name: "fractional turn limit",
    input: { limits: { maxTurns: 2.5 } },
    valid: false,
    issues: ["limits.maxTurns: Invalid input: expected int, received number"],
  },
  { name: "unknown top-level key", input: { triggers: {} }, valid: false, issues: ["triggers: unknown key"] },
  { name: "unknown nested key", input: { review: { severity: "high" } }, valid: false, issues: ["review.severity: unknown key"] },
  {
    name: "a network host that is not a host",
    input: { sandbox: { network: ["http://x"] } },
    valid: false,
    issues: ["sandbox.network.0: must be a host name"],
  },
  { name: "a branch prefix without a slash", input: { branch: { prefix: "agent" } }, valid: false, issues: ["branch.prefix: must be like agent/"] },
  {
    name: "several problems are all reported",
    input: { limits: { maxTurns: 0 }, compaction: { strategy: "lossy" }, extra: 1 },
    valid: false,
    issues: [
      "limits.maxTurns: Too small: expected number to be >0",
      'compaction.strategy: Invalid option: expected one of "semantic"|"aggressive"|"minimal"',
      "extra: unknown key",
    ],
  },
];

describe("parseRepoConfig", () => {
  it.each(cases)("$name", (testCase) => {
    if (testCase.valid) {
      const config = parseRepoConfig(testCase.input);
      testCase.expect?.(config);
      return;
    }
    let error: unknown;
    try {
      parseRepoConfig(testCase.input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RepoConfigError);
    expect((error as RepoConfigError).issues).toEqual(testCase.issues);
    expect((error as RepoConfigError).message).toBe(`Invalid .github/agent.yml: ${testCase.issues.join("; ")}`);
  });
});

describe("applyOperatorCaps", () => {
  const env = parseEnv({ AGENT_MAX_TURNS: "50", AGENT_NETWORK_ALLOWLIST: "registry.npmjs.org,*.pypi.org" });

  it("lets a repo narrow but never widen the operator's settings", () => {
    const repo = parseRepoConfig({
      trigger: { minPermission: "read" },
      sandbox: { mode: "danger-full-access", network: ["registry.npmjs.org", "files.pypi.org", "evil.example"] },
      limits: { maxTurns: 500, maxUsd: 1 },
      review: { secretScan: false },
    });
    const effective = applyOperatorCaps(repo, env);
    expect(effective.trigger.minPermission).toBe("write");
    expect(effective.sandbox.mode).toBe("workspace-write");
    expect(effective.sandbox.network).toEqual(["registry.npmjs.org", "files.pypi.org"]);
    expect(effective.limits.maxTurns).toBe(50);
    expect(effective.limits.maxUsd).toBe(1);
    expect(effective.review.secretScan).toBe(true);
    expect(effective.model).toMatchObject({ name: "gpt-5-codex", wireApi: "responses" });
    expect(effective.clamped).toHaveLength(5);
  });
});
