import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { BullmqQueue } from "../../../src/jobs/bullmq-queue.js";
import { createQueue } from "../../../src/jobs/create-queue.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import type { JobQueue } from "../../../src/jobs/types.js";
import { makeTempDir, silentLog } from "./queue-test-kit.js";

const open: JobQueue[] = [];
const dirs: Array<() => void> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close(0)));
  dirs.splice(0).forEach((d) => d());
});

describe("createQueue", () => {
  it("uses the embedded queue in <AGENT_DATA_DIR>/queue.sqlite when REDIS_URL is unset", () => {
    const { dir, remove } = makeTempDir();
    dirs.push(remove);
    const queue = createQueue(parseEnv({ AGENT_DATA_DIR: path.join(dir, "data") }), { log: silentLog });
    open.push(queue);
    expect(queue).toBeInstanceOf(EmbeddedQueue);
    expect(existsSync(path.join(dir, "data", "queue.sqlite"))).toBe(true);
  });

  it("uses BullMQ when REDIS_URL is set", () => {
    const queue = createQueue(parseEnv({ REDIS_URL: "redis://127.0.0.1:6379" }), { log: silentLog, prefix: "ia-test-unused" });
    open.push(queue);
    expect(queue).toBeInstanceOf(BullmqQueue);
  });
});
