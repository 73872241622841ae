/**
 * Built-in prices (USD per 1M tokens) and context windows. Config extends the prices with
 * `ModelSettings.prices` (AGENT_MODEL_PRICES). Unknown models cost 0: the USD budget cannot bind
 * for them, which the operator sees as costUsd 0 in every report.
 */
import type { Usage } from "../types.js";

export interface ModelPrice {
  input: number;
  cachedInput?: number;
  output: number;
}

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

/** Whether spend can be computed for the model; without a price the USD budget cannot bind. */
/** The price a run would be charged at (built-in table extended by AGENT_MODEL_PRICES), or undefined. */
export function modelPriceOf(model: string, extra: Readonly<Record<string, ModelPrice>> = {}): ModelPrice | undefined {
  return lookupModel({ ...MODEL_PRICES, ...extra }, model);
}

export function hasModelPrice(model: string, extra: Readonly<Record<string, ModelPrice>> = {}): boolean {
  return lookupModel({ ...MODEL_PRICES, ...extra }, model) !== undefined;
}

/** Reasoning tokens are part of output tokens on OpenAI's APIs, so they are not added again. */
export function computeCostUsd(model: string, usage: Usage, extra: Readonly<Record<string, ModelPrice>> = {}): number {
  const price = lookupModel({ ...MODEL_PRICES, ...extra }, model);
  if (!price) return 0;
  const cached = Math.min(usage.cachedInput, usage.input);
  const uncached = usage.input - cached;
  return (uncached * price.input + cached * (price.cachedInput ?? price.input) + usage.output * price.output) / 1_000_000;
}
