import { describe, expect, it } from "vitest";
import { parseCliArgs, type RunOptions } from "../../../src/cli/parse-cli-args.js";
import { apiKeyFor, needsApiKey, parseCliEnv } from "../../../src/cli/parse-cli-env.js";
import { resolveRunSettings } from "../../../src/cli/resolve-run-settings.js";
import { repoConfigSchema } from "../../../src/config/repo-config.js";
import { ConfigError } from "../../../src/shared/errors.js";

const run = (...argv: string[]): RunOptions => {
  const cmd = parseCliArgs(["run", "task", ...argv]);
  if (cmd.kind !== "run") throw new Error("not a run");
  return cmd.options;
};

describe("resolveRunSettings", () => {
  const env = parseCliEnv({ OPENAI_API_KEY: "sk-test-key-123456789012345", AGENT_MODEL: "env-model" });

  it("lets flags win over agent.yml, and agent.yml over the environment", () => {
    const config = repoConfigSchema.parse({
      model: { name: "yml-model", wireApi: "chat" },
      limits: { maxTurns: 9, maxUsd: 2 },
      compaction: { strategy: "minimal" },
    });
    const fromYml = resolveRunSettings(run(), config, env, "/w");
    expect(fromYml.model).toMatchObject({ name: "yml-model", wireApi: "chat", apiKey: "sk-test-key-123456789012345" });
    expect(fromYml.limits).toMatchObject({ maxTurns: 9, maxUsd: 2 });
    expect(fromYml.compaction.strategy).toBe("minimal");

    const fromFlags = resolveRunSettings(
      run("--model", "flag-model", "--wire", "responses", "--max-turns", "3", "--max-usd", "0.25", "--price", "1,4", "--compaction", "aggressive"),
      config,
      env,
      "/w",
    );
    expect(fromFlags.model).toMatchObject({ name: "flag-model", wireApi: "responses" });
    expect(fromFlags.limits).toMatchObject({ maxTurns: 3, maxUsd: 0.25 });
    expect(fromFlags.compaction.strategy).toBe("aggressive");

    expect(resolveRunSettings(run(), repoConfigSchema.parse({}), env, "/w").model.name).toBe("env-model");
  });

  it("refuses --max-usd for a model without a price, unless --price gives one; an unpriced model's cost is unknown", () => {
    const config = repoConfigSchema.parse({});
    expect(() => resolveRunSettings(run("--model", "my-local-model", "--max-usd", "1"), config, env, "/w")).toThrow(
      /--max-usd needs a price for the model "my-local-model"[\s\S]*--price INPUT,OUTPUT/,
    );
    const priced = resolveRunSettings(run("--model", "my-local-model", "--max-usd", "1", "--price", "0.5,2,0.1"), config, env, "/w");
    expect(priced.priced).toBe(true);
    expect(priced.model.prices?.["my-local-model"]).toEqual({ input: 0.5, output: 2, cachedInput: 0.1 });
    const unpriced = resolveRunSettings(run("--model", "my-local-model"), config, env, "/w");
    expect(unpriced.priced).toBe(false);
    expect(unpriced.notes.join()).toMatch(/no price: cost is shown as unknown/);
    expect(resolveRunSettings(run("--model", "gpt-5-codex", "--max-usd", "1"), config, env, "/w").priced).toBe(true);
  });

  it("attack: a repository's agent.yml cannot turn on danger-full-access", () => {
    const config = repoConfigSchema.parse({ sandbox: { mode: "danger-full-access" } });
    const settings = resolveRunSettings(run(), config, env, "/w");
    expect(settings.sandbox.mode).toBe("workspace-write");
    expect(settings.sandbox.allowDangerFullAccess).toBe(false);
    expect(settings.notes.join()).toContain("pass --sandbox danger-full-access");
  });

  it("allows danger-full-access only from the explicit flag", () => {
    const settings = resolveRunSettings(run("--sandbox", "danger-full-access"), repoConfigSchema.parse({}), env, "/w");
    expect(settings.sandbox).toMatchObject({ mode: "danger-full-access", allowDangerFullAccess: true, workspaceDir: "/w", network: "off" });
  });

  it("passes the repo's test command to the agent as an instruction", () => {
    const config = repoConfigSchema.parse({ sandbox: { testCommand: "npm test" } });
    expect(resolveRunSettings(run(), config, env, "/w").instructions).toContain("npm test");
  });
});

describe("parseCliEnv and the API key rule", () => {
  it("needs a key for OpenAI itself, not for another endpoint", () => {
    expect(needsApiKey(parseCliEnv({}))).toBe(true);
    expect(needsApiKey(parseCliEnv({ OPENAI_BASE_URL: "https://api.openai.com/v1" }))).toBe(true);
    const local = parseCliEnv({ OPENAI_BASE_URL: "http://localhost:11434/v1" });
    expect(needsApiKey(local)).toBe(false);
    expect(apiKeyFor(local)).toBe("no-key");
    expect(apiKeyFor(parseCliEnv({}))).toBeUndefined();
  });

  it("ignores the app's GitHub settings and reports bad values of its own", () => {
    // APP_ID without a private key is fatal for the app, irrelevant to the CLI.
    expect(parseCliEnv({ APP_ID: "123", AGENT_WIRE_API: "chat" }).AGENT_WIRE_API).toBe("chat");
    expect(() => parseCliEnv({ OPENAI_BASE_URL: "ftp://x" })).toThrow(ConfigError);
    expect(() => parseCliEnv({ AGENT_MODEL_PRICES: "{nope" })).toThrow(/AGENT_MODEL_PRICES/);
    expect(parseCliEnv({ AGENT_MODEL_PRICES: '{"m":{"input":1,"output":2}}' }).modelPrices).toEqual({ m: { input: 1, output: 2 } });
  });
});
