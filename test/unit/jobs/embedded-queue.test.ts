import { afterAll, describe } from "vitest";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import { defineQueueContract } from "./queue-contract.js";
import { makeTempDir, silentLog } from "./queue-test-kit.js";

const dirs: Array<() => void> = [];
afterAll(() => dirs.forEach((remove) => remove()));

describe("EmbeddedQueue (node:sqlite)", () => {
  defineQueueContract({
    newStore() {
      const { dir, remove } = makeTempDir();
      dirs.push(remove);
      return dir;
    },
    open: (o) =>
      new EmbeddedQueue({
        dataDir: o.store,
        log: o.log ?? silentLog,
        metrics: o.metrics,
        onGiveUp: o.onGiveUp,
        concurrency: o.concurrency ?? 2,
        maxAttempts: o.maxAttempts ?? 2,
        graceMs: 1000,
        pollMs: 50,
        retryDelayMs: 20,
      }),
  });
});
