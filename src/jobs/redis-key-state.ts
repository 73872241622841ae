/**
 * The Redis side of what BullMQ OSS does not give us (groups are a Pro feature): delivery-id
 * dedupe, a FIFO line per key, a lock per key that only one worker anywhere can hold (with a TTL
 * the holder keeps extending, so a dead worker's lock expires), our own attempt counter, cancel
 * flags and the steering inbox. All keys live under `<prefix>:ia:`.
 */
import type { Redis } from "ioredis";

// Take the key lock when the line's head is this job. Heads that are finished or missing jobs
// (left by a crash between two steps) are dropped first. Returns 1 (acquired) or 0 (wait).
const ACQUIRE = `
local head = redis.call('LINDEX', KEYS[1], 0)
while head and head ~= ARGV[1] do
  local jobKey = ARGV[4] .. head
  local live = redis.call('EXISTS', jobKey) == 1 and redis.call('HEXISTS', jobKey, 'finishedOn') == 0
  if live or redis.call('EXISTS', ARGV[5] .. head) == 1 then return 0 end
  redis.call('LREM', KEYS[1], 0, head)
  head = redis.call('LINDEX', KEYS[1], 0)
end
if not head then redis.call('LPUSH', KEYS[1], ARGV[1]) end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end
return 0`;

const DAY_SECONDS = 24 * 3600;

export class RedisKeyState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Where BullMQ keeps a job's hash: `<prefix>:<queueName>:`. */
    private readonly jobKeyPrefix: string,
  ) {}

  private k(...parts: string[]): string {
    return [this.prefix, "ia", ...parts].join(":");
  }

  /**
   * Claim a delivery id and take a place in the key's line. Returns the existing job id when the
   * delivery was seen before. The `enqueuing` marker keeps the entry from being taken for debris
   * while BullMQ's add is still in flight.
   */
  async hasDelivery(deliveryId: string): Promise<boolean> {
    return (await this.redis.exists(this.k("delivery", deliveryId))) === 1;
  }

  async reserve(deliveryId: string, key: string, jobId: string, ttlSeconds: number): Promise<{ duplicateOf: string | null; position: number }> {
    const claimed = await this.redis.set(this.k("delivery", deliveryId), jobId, "EX", ttlSeconds, "NX");
    if (claimed === null) {
      const existing = (await this.redis.get(this.k("delivery", deliveryId))) ?? "";
      const position = await this.redis.lpos(this.k("line", key), existing);
      return { duplicateOf: existing, position: position ?? 0 };
    }
    const result = await this.redis.multi().set(this.k("enqueuing", jobId), "1", "EX", 60).rpush(this.k("line", key), jobId).exec();
    const length = Number(result?.[1]?.[1] ?? 1);
    return { duplicateOf: null, position: length - 1 };
  }

  async reserved(jobId: string): Promise<void> {
    await this.redis.del(this.k("enqueuing", jobId));
  }

  /** Undo `reserve` when BullMQ refused the job. */
  async unreserve(deliveryId: string, key: string, jobId: string): Promise<void> {
    await this.redis.multi().del(this.k("delivery", deliveryId), this.k("enqueuing", jobId)).lrem(this.k("line", key), 0, jobId).exec();
  }

  async acquire(key: string, jobId: string, token: string, lockMs: number): Promise<boolean> {
    const result = await this.redis.eval(
      ACQUIRE,
      2,
      this.k("line", key),
      this.k("lock", key),
      jobId,
      token,
      lockMs,
      this.jobKeyPrefix,
      this.k("enqueuing", ""),
    );
    return Number(result) === 1;
  }

  async extend(key: string, token: string, lockMs: number): Promise<boolean> {
    return Number(await this.redis.eval(EXTEND, 1, this.k("lock", key), token, lockMs)) === 1;
  }

  /** Release the key lock (and clear the steering inbox that belonged to this run). */
  async release(key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 2, this.k("lock", key), this.k("inbox", key), token);
  }

  /** Leave the key's line for good (finished, failed or cancelled). */
  async leave(key: string, jobId: string): Promise<void> {
    await this.redis.multi().lrem(this.k("line", key), 0, jobId).hdel(this.k("attempts"), jobId).exec();
  }

  async line(key: string): Promise<string[]> {
    return this.redis.lrange(this.k("line", key), 0, -1);
  }

  /** The job id holding the key lock, if any (the token is `<jobId>/<random>`). */
  async holder(key: string): Promise<string | null> {
    const token = await this.redis.get(this.k("lock", key));
    return token === null ? null : (token.split("/")[0] ?? null);
  }

  /** Count one more start of this job; `-1` gives an attempt back (shutdown). */
  async countAttempt(jobId: string, delta: 1 | -1): Promise<number> {
    return this.redis.hincrby(this.k("attempts"), jobId, delta);
  }

  async markCancelled(jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const multi = this.redis.multi();
    for (const id of jobIds) multi.set(this.k("cancel", id), "1", "EX", DAY_SECONDS);
    await multi.exec();
  }

  async isCancelled(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.k("cancel", jobId))) === 1;
  }

  async pushMessage(key: string, message: string): Promise<boolean> {
    if ((await this.redis.exists(this.k("lock", key))) === 0) return false;
    await this.redis.multi().rpush(this.k("inbox", key), message).expire(this.k("inbox", key), DAY_SECONDS).exec();
    return true;
  }

  async takeMessages(key: string): Promise<string[]> {
    const result = await this.redis.multi().lrange(this.k("inbox", key), 0, -1).del(this.k("inbox", key)).exec();
    return (result?.[0]?.[1] as string[] | undefined) ?? [];
  }

  /** Job ids holding any key lock right now (SCAN, so a large keyspace is walked in steps). */
  async lockHolders(): Promise<string[]> {
    const holders: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", this.k("lock", "*"), "COUNT", 500);
      cursor = next;
      if (keys.length === 0) continue;
      for (const token of await this.redis.mget(...keys)) {
        const id = token?.split("/")[0];
        if (id) holders.push(id);
      }
    } while (cursor !== "0");
    return holders;
  }

  async isLocked(key: string): Promise<boolean> {
    return (await this.redis.exists(this.k("lock", key))) === 1;
  }
}
