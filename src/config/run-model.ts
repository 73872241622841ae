/**
 * A model picked for one run (`/agent fix --model NAME`, or the label `<trigger>:NAME`): only a
 * name on the operator's allowlist (AGENT_ALLOWED_MODELS) is accepted, compared exactly, so an
 * issue comment can never point the app at a model (or a price) the operator did not choose.
 * Pure; the handler answers a refusal, the task frame checks again before it runs.
 */
import type { Env } from "./env.js";

export type RunModelChoice = { ok: true; model: string } | { ok: false; reason: string };

export function chooseRunModel(requested: string, env: Pick<Env, "AGENT_ALLOWED_MODELS">): RunModelChoice {
  const allowed = env.AGENT_ALLOWED_MODELS;
  const shown = requested.replace(/[^\w.:/-]/g, "").slice(0, 60);
  if (allowed.length === 0)
    return {
      ok: false,
      reason: `Picking a model per run is not enabled on this installation, so \`${shown}\` was not used and nothing was started. The operator can list allowed models in AGENT_ALLOWED_MODELS.`,
    };
  if (allowed.includes(requested)) return { ok: true, model: requested };
  return {
    ok: false,
    reason: `The model \`${shown}\` is not allowed here, so nothing was started. Allowed models: ${allowed.map((m) => `\`${m}\``).join(", ")}.`,
  };
}
