/**
 * Real Redis for integration tests (127.0.0.1:6379, or REDIS_TEST_URL). Each call to
 * `redisPrefix()` gives a fresh key namespace; `cleanupRedisPrefixes()` deletes them all.
 * When no Redis answers, `redisAvailable` is false and the suites skip with a visible message.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

async function probe(): Promise<boolean> {
  const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const redisAvailable = await probe();
if (!redisAvailable) console.warn(`\n*** Redis is not reachable at ${redisUrl}: BullMQ tests are SKIPPED ***\n`);

const prefixes: string[] = [];

export function redisPrefix(): string {
  const prefix = `ia-test-${randomUUID().slice(0, 8)}`;
  prefixes.push(prefix);
  return prefix;
}

export async function cleanupRedisPrefixes(): Promise<void> {
  if (!redisAvailable || prefixes.length === 0) return;
  const client = new Redis(redisUrl);
  try {
    for (const prefix of prefixes.splice(0)) {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== "0");
    }
  } finally {
    await client.quit();
  }
}
