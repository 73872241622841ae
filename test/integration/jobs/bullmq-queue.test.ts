import { afterAll, describe } from "vitest";
import { BullmqQueue } from "../../../src/jobs/bullmq-queue.js";
import { cleanupRedisPrefixes, redisAvailable, redisPrefix, redisUrl } from "../../helpers/redis.js";
import { defineQueueContract } from "../../unit/jobs/queue-contract.js";
import { silentLog } from "../../unit/jobs/queue-test-kit.js";

afterAll(cleanupRedisPrefixes);

describe.runIf(redisAvailable)("BullmqQueue (real Redis)", () => {
  defineQueueContract({
    newStore: redisPrefix,
    open: (o) =>
      new BullmqQueue({
        redisUrl,
        prefix: o.store,
        log: o.log ?? silentLog,
        metrics: o.metrics,
        onGiveUp: o.onGiveUp,
        concurrency: o.concurrency ?? 2,
        maxAttempts: o.maxAttempts ?? 2,
        graceMs: 1000,
        lockMs: 1500,
        pollMs: 50,
        keyWaitMs: 50,
        retryDelayMs: 20,
      }),
  });
});
