/** The sandbox as the health endpoints and the start-up check report it. */
import { checkSandboxAvailable } from "../sandbox/index.js";
import type { HealthProbeResult } from "./health-handler.js";

export async function probeSandbox(): Promise<HealthProbeResult> {
  const availability = await checkSandboxAvailable();
  return availability.ok
    ? { ok: true, limits: availability.limits, warnings: availability.warnings }
    : { ok: false, reason: availability.reason, fix: availability.fix };
}
