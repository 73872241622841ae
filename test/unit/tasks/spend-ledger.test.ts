import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createSpendLedger, memorySpendStore, redisSpendStore, sqliteSpendStore, type SpendStore } from "../../../src/tasks/spend-ledger.js";

const caps = { perRepoPerDay: 1, perInstallationPerDay: 5 };

describe("spend ledger", () => {
  it("stops a repository at its daily cap and lets others run", async () => {
    const ledger = createSpendLedger(caps, memorySpendStore());
    expect(await ledger.check("o/r", 1)).toBeNull();
    await ledger.record("o/r", 1, 1.2);
    expect(await ledger.check("o/r", 1)).toMatch(/repository reached today's model spending cap \(\$1\.00\)/);
    expect(await ledger.check("O/R", 1)).not.toBeNull();
    expect(await ledger.check("o/other", 1)).toBeNull();
  });

  it("stops a whole installation at its cap across repositories", async () => {
    const ledger = createSpendLedger(caps, memorySpendStore());
    for (let i = 0; i < 6; i++) await ledger.record(`o/r${i}`, 7, 0.9);
    expect(await ledger.check("o/new", 7)).toMatch(/installation reached today's model spending cap/);
    expect(await ledger.check("o/new", 8)).toBeNull();
  });

  it("starts afresh on the next UTC day", async () => {
    let t = Date.parse("2026-11-21T23:00:00Z");
    const ledger = createSpendLedger(caps, memorySpendStore(), () => t);
    await ledger.record("o/r", 1, 2);
    expect(await ledger.check("o/r", 1)).not.toBeNull();
    t = Date.parse("2026-11-22T00:30:00Z");
    expect(await ledger.check("o/r", 1)).toBeNull();
  });

  it("keeps totals across a restart in the embedded store", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "spend-"));
    try {
      const first = createSpendLedger(caps, sqliteSpendStore(dir));
      await first.record("o/r", 1, 0.6);
      await first.record("o/r", 1, 0.6);
      await first.close?.();
      const second = createSpendLedger(caps, sqliteSpendStore(dir));
      expect(await second.check("o/r", 1)).toMatch(/spending cap/);
      await second.close?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("shared through Redis", async () => {
    const url = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const reachable = await probe.connect().then(
      () => true,
      () => false,
    );
    if (!reachable) console.warn(`spend-ledger: no Redis at ${url}; the shared-store test is skipped`);
    const prefix = `issue-agent-test-${process.pid}-${Date.now()}`;
    const stores: SpendStore[] = [];
    afterAll(async () => {
      if (reachable) {
        const keys = await probe.keys(`${prefix}:*`);
        if (keys.length > 0) await probe.del(...keys);
      }
      for (const s of stores) await s.close?.();
      probe.disconnect();
    });

    it.runIf(reachable)("two workers see one total", async () => {
      const a = redisSpendStore(url, prefix);
      const b = redisSpendStore(url, prefix);
      stores.push(a, b);
      await createSpendLedger(caps, a).record("o/r", 1, 0.7);
      await createSpendLedger(caps, b).record("o/r", 1, 0.7);
      expect(await createSpendLedger(caps, a).check("o/r", 1)).toMatch(/spending cap/);
      expect(await probe.ttl((await probe.keys(`${prefix}:spend:*`))[0] ?? "")).toBeGreaterThan(86_400);
    });
  });
});
