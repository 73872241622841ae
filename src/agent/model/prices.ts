/**
 * Cost arithmetic for the agent's loop. The price and context-window tables live in
 * config/known-models.ts, where the model profile (config/model-profile.ts) reads them too.
 */
import { modelPriceOf, type ModelPrice } from "../../config/known-models.js";
import type { Usage } from "../types.js";

export { contextWindowOf, type ModelPrice } from "../../config/known-models.js";

/** Reasoning tokens are part of output tokens on OpenAI's APIs, so they are not added again. */
export function computeCostUsd(model: string, usage: Usage, extra: Readonly<Record<string, ModelPrice>> = {}): number {
  const price = modelPriceOf(model, extra);
  if (!price) return 0;
  const cached = Math.min(usage.cachedInput, usage.input);
  const uncached = usage.input - cached;
  return (uncached * price.input + cached * (price.cachedInput ?? price.input) + usage.output * price.output) / 1_000_000;
}
