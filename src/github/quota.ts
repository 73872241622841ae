/**
 * What this process last heard about each installation's REST quota (every answer carries
 * `x-ratelimit-remaining`, and the quota is the installation's, shared by all its repositories).
 * When it runs low, automatic work (security reviews of pushes, autofix) pauses so that what people
 * ask for (`/agent fix`, `/agent review`) still has quota; it resumes when GitHub's window resets.
 * In memory, per process: every process hears the headers of its own calls, which is enough to
 * see a drain coming.
 */
import type { ObservedCall } from "./client.js";

export interface QuotaView {
  /** True while the installation's remaining quota is under the reserve and the window has not reset. */
  isLow(installationId: number): boolean;
}

export interface QuotaTracker extends QuotaView {
  record(call: ObservedCall): void;
  remaining(installationId: number): number | undefined;
}

export function createQuotaTracker(options: { reserve: number; now?: () => number }): QuotaTracker {
  const now = options.now ?? Date.now;
  const seen = new Map<number, { remaining: number; resetAt: number }>();
  const current = (installationId: number) => {
    const entry = seen.get(installationId);
    if (!entry) return undefined;
    if (entry.resetAt <= now()) {
      seen.delete(installationId);
      return undefined;
    }
    return entry;
  };
  return {
    record(call) {
      if (call.remaining === undefined) return;
      // Without a reset time, trust the reading for GitHub's hour.
      seen.set(call.installationId, { remaining: call.remaining, resetAt: call.resetAt ?? now() + 3600_000 });
      if (seen.size > 10_000) seen.delete(seen.keys().next().value as number);
    },
    remaining: (installationId) => current(installationId)?.remaining,
    isLow: (installationId) => {
      const entry = current(installationId);
      return entry !== undefined && entry.remaining < options.reserve;
    },
  };
}
