/**
 * What the codebase knows about models by name: built-in prices (USD per 1M tokens) and context
 * windows. AGENT_MODEL_PRICES extends the prices; a repository's `model.contextWindow` overrides
 * the window. Unknown models have no price (the USD budget cannot bind) and a 128k window.
 */
import type { ModelPrice } from "./model-prices.js";

export type { ModelPrice };

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-codex": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5.1": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5.1-codex": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5.1-codex-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "codex-mini-latest": { input: 1.5, cachedInput: 0.375, output: 6 },
};

export const MODEL_CONTEXT_WINDOWS: Readonly<Record<string, number>> = {
  "gpt-5": 272_000,
  "gpt-5-codex": 272_000,
  "gpt-5.1": 272_000,
  "gpt-5.1-codex": 272_000,
  "gpt-5.1-codex-mini": 272_000,
  "gpt-5-mini": 272_000,
  "gpt-5-nano": 272_000,
  "gpt-4.1": 1_000_000,
  "gpt-4.1-mini": 1_000_000,
  "gpt-4.1-nano": 1_000_000,
  "gpt-4o": 128_000,
  "gpt-4o-mini": 128_000,
  o3: 200_000,
  "o4-mini": 200_000,
  "codex-mini-latest": 200_000,
};

export const DEFAULT_CONTEXT_WINDOW = 128_000;

/** Exact name, then without a provider prefix ("openai/gpt-5"), then the longest known prefix ("gpt-5-2025-08-07"). */
export function lookupModel<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  const names = [model, model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model];
  for (const n of names) if (table[n] !== undefined) return table[n];
  const base = names[1]!;
  const prefix = Object.keys(table)
    .filter((k) => base.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : table[prefix];
}

export function contextWindowOf(model: string, configured?: number): number {
  return configured ?? lookupModel(MODEL_CONTEXT_WINDOWS, model) ?? DEFAULT_CONTEXT_WINDOW;
}

/** The price a run is charged at (the built-in table extended by `extra`, i.e. AGENT_MODEL_PRICES), or undefined. */
export function modelPriceOf(model: string, extra: Readonly<Record<string, ModelPrice>> = {}): ModelPrice | undefined {
  return lookupModel({ ...MODEL_PRICES, ...extra }, model);
}
