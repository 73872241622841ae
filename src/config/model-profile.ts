/**
 * The one place a model's settings are decided: the operator's environment, the repository's
 * `model:` block and the caller's overrides (the CLI's --model/--wire/--price) become a frozen
 * profile that the app's runs, the app's reviews and both CLI commands hand to the agent.
 *
 * Precedence for the name: override, then (for a review) AGENT_REVIEW_MODEL, then agent.yml's
 * `model.name`, then AGENT_MODEL. The repository's per-model settings (`contextWindow`, `vision`,
 * `nativeTools`) describe its coding model, so a review on a different model gets that model's own
 * known window instead of the coding model's. Pure: prices were validated when the environment was
 * parsed (config/model-prices.ts); an override price is checked here against the same schema.
 */
import type { Env } from "./env.js";
import { contextWindowOf, modelPriceOf } from "./known-models.js";
import { modelPriceSchema, type ModelPrice, type ModelPrices } from "./model-prices.js";
import type { RepoConfig } from "./repo-config.js";
import { ConfigError } from "../shared/errors.js";

export type ModelPurpose = "run" | "review";
export type WireApi = "responses" | "chat";

/** What the profile reads from the environment; the app's Env and the CLI's CliEnv both fit. */
export type ModelProfileEnv = Pick<Env, "AGENT_MODEL" | "AGENT_REVIEW_MODEL" | "AGENT_WIRE_API" | "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "modelPrices">;

/** A repository's `model:` block, before (RepoConfig) or after (EffectiveConfig) the operator's defaults were filled in. */
export type RepoModel = RepoConfig["model"];

/** What a caller may set above the environment and the repository: the CLI's flags. */
export interface ModelOverride {
  name?: string | undefined;
  wireApi?: WireApi | undefined;
  /** A price for the chosen model (--price), on top of AGENT_MODEL_PRICES. */
  price?: ModelPrice | undefined;
}

/** Structurally a `ModelSettings` of agent/types.ts, so it goes to the agent as is. */
export interface ModelProfile {
  readonly purpose: ModelPurpose;
  readonly name: string;
  readonly wireApi: WireApi;
  readonly reasoningEffort: RepoModel["reasoningEffort"];
  readonly vision: boolean;
  readonly nativeTools: boolean;
  /** The repository's `model.contextWindow` for its own model, else the known window of this model (128k when unknown). */
  readonly contextWindow: number;
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** Prices on top of the built-in table (AGENT_MODEL_PRICES and an override price): what the agent's cost accounting extends the table with. */
  readonly prices?: Readonly<ModelPrices>;
  /** This model's price (built-in or configured), or undefined. */
  readonly price: ModelPrice | undefined;
  /** False: the run's cost cannot be counted, so no USD budget or spend cap can bind. */
  readonly priced: boolean;
}

export interface ModelProfileInput {
  env: ModelProfileEnv;
  model: RepoModel;
  purpose: ModelPurpose;
  override?: ModelOverride | undefined;
}

export function resolveModelProfile({ env, model, purpose, override = {} }: ModelProfileInput): ModelProfile {
  const codingModel = model.name ?? env.AGENT_MODEL;
  const name = override.name ?? (purpose === "review" ? env.AGENT_REVIEW_MODEL : undefined) ?? codingModel;
  const repoSettingsApply = purpose === "run" || name === codingModel;
  const prices = override.price ? { ...env.modelPrices, [name]: checkedOverridePrice(override.price) } : env.modelPrices;
  const price = modelPriceOf(name, prices);
  return Object.freeze({
    purpose,
    name,
    wireApi: override.wireApi ?? model.wireApi ?? env.AGENT_WIRE_API,
    reasoningEffort: model.reasoningEffort,
    vision: repoSettingsApply && model.vision,
    nativeTools: repoSettingsApply && model.nativeTools,
    contextWindow: contextWindowOf(name, repoSettingsApply ? model.contextWindow : undefined),
    ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
    ...(prices ? { prices: Object.freeze({ ...prices }) } : {}),
    price,
    priced: price !== undefined,
  });
}

function checkedOverridePrice(price: ModelPrice): ModelPrice {
  const parsed = modelPriceSchema.safeParse(price);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `--price: ${i.message}`);
  throw new ConfigError("config/invalid-env", issues.join("; "), issues);
}
