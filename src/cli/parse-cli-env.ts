/**
 * The CLI's view of the environment. The CLI needs only the model endpoint settings, so it parses
 * just those keys with the app's own schema (same validation, same messages) instead of parseEnv,
 * whose GitHub App checks (APP_ID needs PRIVATE_KEY...) mean nothing on a laptop.
 */
import { z } from "zod";
import { envSchema } from "../config/env.js";
import { parseModelPrices, type ModelPrices } from "../config/model-prices.js";
import { ConfigError } from "../shared/errors.js";

const cliEnvSchema = envSchema.pick({
  OPENAI_API_KEY: true,
  OPENAI_BASE_URL: true,
  AGENT_MODEL: true,
  AGENT_REVIEW_MODEL: true,
  AGENT_WIRE_API: true,
  AGENT_MODEL_PRICES: true,
  OSV_API_URL: true,
});

/** `modelPrices` as in the app's Env, so both feed config/model-profile.ts alike. */
export type CliEnv = z.output<typeof cliEnvSchema> & { modelPrices: ModelPrices | undefined };

/** Parse the model settings from the environment. Throws one ConfigError listing every problem. */
export function parseCliEnv(source: Record<string, string | undefined>): CliEnv {
  const result = cliEnvSchema.safeParse(source);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError("config/invalid-env", `Invalid environment: ${issues.join("; ")}`, issues);
  }
  let modelPrices: CliEnv["modelPrices"];
  if (result.data.AGENT_MODEL_PRICES) {
    // The same schema and messages as the app (config/model-prices.ts).
    const parsed = parseModelPrices(result.data.AGENT_MODEL_PRICES);
    if (!parsed.ok) throw new ConfigError("config/invalid-env", `Invalid environment: ${parsed.issues.join("; ")}`, parsed.issues);
    modelPrices = parsed.prices;
  }
  return { ...result.data, modelPrices };
}

/**
 * Whether the endpoint is OpenAI's own API, which always needs a key. Any other endpoint (Ollama,
 * vLLM, llama.cpp, a proxy) may run without one; if it does want one it answers 401, and the CLI
 * turns that into "set OPENAI_API_KEY".
 */
export function needsApiKey(env: Pick<CliEnv, "OPENAI_BASE_URL">): boolean {
  if (!env.OPENAI_BASE_URL) return true;
  return new URL(env.OPENAI_BASE_URL).hostname.toLowerCase() === "api.openai.com";
}

/** The key to hand to the openai SDK, which refuses an empty one even when the server needs none. */
export function apiKeyFor(env: Pick<CliEnv, "OPENAI_API_KEY" | "OPENAI_BASE_URL">): string | undefined {
  if (env.OPENAI_API_KEY) return env.OPENAI_API_KEY;
  return needsApiKey(env) ? undefined : "no-key";
}
