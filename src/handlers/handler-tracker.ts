/**
 * Acknowledge first, then handle. Probot answers GitHub only when the handler returns, and our
 * handlers make several GitHub calls (config, permission, 👀, status comment) that Probot's write
 * throttling spaces seconds apart: a burst of triggers on one installation would otherwise be
 * answered after GitHub's 10-second limit. So each handler is started and tracked here, and the
 * delivery is acknowledged at once.
 *
 * What this trades: a process killed in the second or two between the acknowledgement and the
 * enqueue loses that trigger (GitHub shows the delivery as successful; the user sees no 👀 and can
 * trigger again). A graceful shutdown waits for every started handler before it stops the queue.
 */
import type { Logger } from "pino";

export interface HandlerTracker {
  /**
   * Start `work` without waiting for it; failures are logged with the delivery id. A delivery id
   * already being handled here is skipped (GitHub's redelivery, or a retry after a slow answer).
   */
  track(work: () => Promise<void>, context: { id: string; log: Pick<Logger, "error" | "info"> }): void;
  /** Resolves when every started handler has finished (for shutdown and tests). */
  idle(): Promise<void>;
  readonly inFlight: number;
}

export function createHandlerTracker(): HandlerTracker {
  const running = new Set<Promise<void>>();
  const deliveries = new Set<string>();
  return {
    track(work, context) {
      if (deliveries.has(context.id)) {
        context.log.info({ delivery: context.id }, "duplicate delivery ignored: already being handled");
        return;
      }
      deliveries.add(context.id);
      const p = work()
        .catch((error: unknown) => context.log.error({ err: error, delivery: context.id }, "webhook handler failed"))
        .finally(() => {
          running.delete(p);
          deliveries.delete(context.id);
        });
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    get inFlight() {
      return running.size;
    },
  };
}

/** Wrap a Probot handler so the delivery is acknowledged before the handler's work runs. */
export function acknowledgeFirst<C extends { id: string; log: Pick<Logger, "error" | "info"> }>(
  tracker: HandlerTracker,
  handler: (context: C) => Promise<void>,
): (context: C) => Promise<void> {
  return async (context) => tracker.track(() => handler(context), context);
}
