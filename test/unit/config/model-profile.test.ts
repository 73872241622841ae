import { describe, expect, it } from "vitest";
import { parseCliEnv } from "../../../src/cli/parse-cli-env.js";
import { parseEnv } from "../../../src/config/env.js";
import { resolveModelProfile } from "../../../src/config/model-profile.js";
import { applyOperatorCaps, repoConfigSchema, type RepoConfigInput } from "../../../src/config/repo-config.js";
import { ConfigError } from "../../../src/shared/errors.js";

const HOUSE_PRICE = { input: 3, output: 9 };
const ENV = {
  OPENAI_API_KEY: "sk-test-key-123456789012345",
  OPENAI_BASE_URL: "https://models.example.com/v1",
  AGENT_MODEL: "gpt-5-codex",
  AGENT_MODEL_PRICES: JSON.stringify({ "house-reviewer": HOUSE_PRICE }),
};

/** The app's path: parseEnv, then the repo config clamped to the operator's caps. */
function appProfile(source: Record<string, string>, repo: RepoConfigInput, purpose: "run" | "review") {
  const env = parseEnv(source);
  return resolveModelProfile({ env, model: applyOperatorCaps(repoConfigSchema.parse(repo), env).model, purpose });
}

/** The CLI's path: its own env parser, agent.yml as read from the checkout. */
function cliProfile(source: Record<string, string>, repo: RepoConfigInput, purpose: "run" | "review") {
  return resolveModelProfile({ env: parseCliEnv(source), model: repoConfigSchema.parse(repo).model, purpose });
}

describe("resolveModelProfile", () => {
  it("a run uses the coding model with the repository's settings, the endpoint and its price", () => {
    const profile = appProfile(ENV, { model: { contextWindow: 100_000, reasoningEffort: "high", nativeTools: true } }, "run");
    expect(profile).toMatchObject({
      name: "gpt-5-codex",
      wireApi: "responses",
      reasoningEffort: "high",
      nativeTools: true,
      contextWindow: 100_000,
      baseURL: "https://models.example.com/v1",
      apiKey: "sk-test-key-123456789012345",
      price: { input: 1.25, cachedInput: 0.125, output: 10 },
      priced: true,
    });
    expect(profile.prices).toEqual({ "house-reviewer": HOUSE_PRICE });
  });

  it("a review without AGENT_REVIEW_MODEL reviews with the coding model and the repository's window", () => {
    const review = appProfile(ENV, { model: { name: "gpt-4o", contextWindow: 64_000 } }, "review");
    expect(review).toMatchObject({ purpose: "review", name: "gpt-4o", contextWindow: 64_000, priced: true });
  });

  it("AGENT_REVIEW_MODEL reviews with its own price and its own known window, not the coding model's", () => {
    const env = { ...ENV, AGENT_REVIEW_MODEL: "gpt-4.1-mini" };
    const repo = { model: { name: "gpt-4o", contextWindow: 64_000, vision: true } };
    expect(appProfile(env, repo, "run")).toMatchObject({ name: "gpt-4o", contextWindow: 64_000, vision: true });
    expect(appProfile(env, repo, "review")).toMatchObject({
      name: "gpt-4.1-mini",
      contextWindow: 1_000_000,
      vision: false,
      price: { input: 0.4, cachedInput: 0.1, output: 1.6 },
      priced: true,
    });
  });

  it("AGENT_REVIEW_MODEL priced only by AGENT_MODEL_PRICES is priced; one with no price anywhere is not", () => {
    const housePriced = appProfile({ ...ENV, AGENT_REVIEW_MODEL: "house-reviewer" }, {}, "review");
    expect(housePriced).toMatchObject({ name: "house-reviewer", price: HOUSE_PRICE, priced: true, contextWindow: 128_000 });
    const unpriced = appProfile({ ...ENV, AGENT_REVIEW_MODEL: "unknown-reviewer" }, {}, "review");
    expect(unpriced).toMatchObject({ name: "unknown-reviewer", price: undefined, priced: false });
    // The run's model is unaffected by the review model's lack of a price.
    expect(appProfile({ ...ENV, AGENT_REVIEW_MODEL: "unknown-reviewer" }, {}, "run").priced).toBe(true);
  });

  it("a model with no price anywhere is unpriced; an override price prices it", () => {
    const env = parseCliEnv(ENV);
    const model = repoConfigSchema.parse({ model: { name: "my-local-model" } }).model;
    expect(resolveModelProfile({ env, model, purpose: "run" })).toMatchObject({ priced: false, price: undefined, contextWindow: 128_000 });
    const priced = resolveModelProfile({ env, model, purpose: "run", override: { price: { input: 0.5, output: 2 } } });
    expect(priced).toMatchObject({ priced: true, price: { input: 0.5, output: 2 } });
    expect(priced.prices).toEqual({ "house-reviewer": HOUSE_PRICE, "my-local-model": { input: 0.5, output: 2 } });
  });

  it("refuses an override price that would count as NaN, naming the flag", () => {
    const env = parseCliEnv(ENV);
    const model = repoConfigSchema.parse({}).model;
    expect(() => resolveModelProfile({ env, model, purpose: "run", override: { price: { input: Number.NaN, output: 2 } } })).toThrow(ConfigError);
    expect(() => resolveModelProfile({ env, model, purpose: "run", override: { price: { input: Number.NaN, output: 2 } } })).toThrow(/--price/);
  });

  it("an override name and wire API win over the environment and agent.yml, for either purpose", () => {
    const env = parseCliEnv({ ...ENV, AGENT_REVIEW_MODEL: "gpt-4.1-mini" });
    const model = repoConfigSchema.parse({ model: { name: "gpt-4o", wireApi: "chat" } }).model;
    expect(resolveModelProfile({ env, model, purpose: "review", override: { name: "o3", wireApi: "responses" } })).toMatchObject({
      name: "o3",
      wireApi: "responses",
      contextWindow: 200_000,
    });
    expect(resolveModelProfile({ env, model, purpose: "run" })).toMatchObject({ name: "gpt-4o", wireApi: "chat" });
  });

  it("the CLI and the app give the same profile for the same environment and agent.yml", () => {
    const cases: Array<[Record<string, string>, RepoConfigInput]> = [
      [ENV, {}],
      [{ ...ENV, AGENT_REVIEW_MODEL: "house-reviewer", AGENT_WIRE_API: "chat" }, { model: { name: "gpt-4o", contextWindow: 64_000 } }],
      [{ AGENT_MODEL: "unpriced-model" }, { model: { reasoningEffort: "low", vision: true } }],
    ];
    for (const [env, repo] of cases) {
      for (const purpose of ["run", "review"] as const) expect(cliProfile(env, repo, purpose)).toEqual(appProfile(env, repo, purpose));
    }
  });

  it("is frozen: a caller cannot change the model or the prices another caller sees", () => {
    const profile = appProfile(ENV, {}, "run");
    expect(Object.isFrozen(profile)).toBe(true);
    expect(Object.isFrozen(profile.prices)).toBe(true);
  });
});
