/**
 * AGENT_MODEL_PRICES: USD per million tokens per model, validated as strictly as the money limits
 * it feeds. A typo such as `{"in": 1, "out": 2}` must stop start-up, not price the model at NaN and
 * silently switch the per-run budget and the daily caps off.
 */
import { z } from "zod";

const usdPerMillion = z.number({ error: "must be a number (USD per million tokens)" }).finite().nonnegative({ error: "must not be negative" });

export const modelPriceSchema = z.strictObject(
  {
    input: usdPerMillion,
    cachedInput: usdPerMillion.optional(),
    output: usdPerMillion,
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")} (allowed: input, cachedInput, output)`
        : 'must be an object like {"input": 1.25, "cachedInput": 0.125, "output": 10}',
  },
);

export const modelPricesSchema = z.record(z.string().min(1), modelPriceSchema, { error: "must be a JSON object mapping model names to prices" });

export type ModelPrice = z.output<typeof modelPriceSchema>;
export type ModelPrices = z.output<typeof modelPricesSchema>;

const EXAMPLE = '{"my-model": {"input": 1.25, "cachedInput": 0.125, "output": 10}}';

/** Parse the variable's text; every problem as `AGENT_MODEL_PRICES: <where>: <what>`. */
export function parseModelPrices(text: string): { ok: true; prices: ModelPrices } | { ok: false; issues: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, issues: [`AGENT_MODEL_PRICES: must be a JSON object, e.g. ${EXAMPLE}`] };
  }
  const parsed = modelPricesSchema.safeParse(raw);
  if (parsed.success) return { ok: true, prices: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => {
      const where = i.path.map(String).join(".");
      return `AGENT_MODEL_PRICES: ${where ? `${where}: ` : ""}${i.message}`;
    }),
  };
}
