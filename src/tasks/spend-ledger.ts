/**
 * Daily spend per repository and per installation against the operator's caps
 * (AGENT_MAX_USD_PER_REPO_PER_DAY, AGENT_MAX_USD_PER_INSTALLATION_PER_DAY). The totals live where
 * every worker sees them and a restart does not reset them: node:sqlite under AGENT_DATA_DIR in
 * embedded mode, Redis when the queue is scaled out. A cap is a brake on runaway cost, checked
 * before a run starts; a run already going is bounded by its own `limits.maxUsd`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Redis } from "ioredis";
import { isConnectionError, reconnectDelay } from "../jobs/redis-health.js";

export interface SpendLedger {
  /** A user-facing reason when a cap is reached, else null. */
  check(repo: string, installationId: number): Promise<string | null>;
  record(repo: string, installationId: number, usd: number): Promise<void>;
  /** Today's (UTC) totals per repository and installation, with the caps (status page). */
  today(): Promise<SpendToday>;
  close?(): Promise<void>;
}

export interface SpendToday {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  caps: { perRepoPerDay: number | null; perInstallationPerDay: number | null };
  repositories: { repo: string; usd: number }[];
  installations: { installationId: number; usd: number }[];
}

/** Where the day's totals are kept; keys already carry the UTC day. */
export interface SpendStore {
  get(key: string): Promise<number>;
  add(key: string, usd: number): Promise<void>;
  /** Every key starting with `prefix` (a day) and its total. */
  list(prefix: string): Promise<[string, number][]>;
  close?(): Promise<void>;
}

export interface SpendCaps {
  perRepoPerDay?: number | undefined;
  perInstallationPerDay?: number | undefined;
}

export function createSpendLedger(caps: SpendCaps, store: SpendStore = memorySpendStore(), now: () => number = Date.now): SpendLedger {
  const day = () => new Date(now()).toISOString().slice(0, 10);
  const repoKey = (repo: string) => `${day()}:r:${repo.toLowerCase()}`;
  const installationKey = (id: number) => `${day()}:i:${id}`;
  return {
    async check(repo, installationId) {
      if (caps.perRepoPerDay !== undefined && (await store.get(repoKey(repo))) >= caps.perRepoPerDay) {
        return `This repository reached today's model spending cap ($${caps.perRepoPerDay.toFixed(2)}). Runs resume tomorrow (UTC); the operator can raise AGENT_MAX_USD_PER_REPO_PER_DAY.`;
      }
      if (caps.perInstallationPerDay !== undefined && (await store.get(installationKey(installationId))) >= caps.perInstallationPerDay) {
        return `This installation reached today's model spending cap ($${caps.perInstallationPerDay.toFixed(2)}). Runs resume tomorrow (UTC).`;
      }
      return null;
    },
    async record(repo, installationId, usd) {
      if (!(usd > 0)) return;
      await store.add(repoKey(repo), usd);
      await store.add(installationKey(installationId), usd);
    },
    async today() {
      const today = day();
      const repositories: SpendToday["repositories"] = [];
      const installations: SpendToday["installations"] = [];
      for (const [key, usd] of await store.list(`${today}:`)) {
        const [, type, ...rest] = key.split(":");
        const name = rest.join(":");
        if (type === "r") repositories.push({ repo: name, usd });
        else if (type === "i") installations.push({ installationId: Number(name), usd });
      }
      repositories.sort((a, b) => b.usd - a.usd);
      installations.sort((a, b) => b.usd - a.usd);
      return {
        day: today,
        caps: { perRepoPerDay: caps.perRepoPerDay ?? null, perInstallationPerDay: caps.perInstallationPerDay ?? null },
        repositories,
        installations,
      };
    },
    close: () => store.close?.() ?? Promise.resolve(),
  };
}

export function memorySpendStore(): SpendStore {
  const spent = new Map<string, number>();
  return {
    get: async (key) => spent.get(key) ?? 0,
    add: async (key, usd) => void spent.set(key, (spent.get(key) ?? 0) + usd),
    list: async (prefix) => [...spent].filter(([key]) => key.startsWith(prefix)),
  };
}

/** Totals in `<dataDir>/spend.sqlite`, kept for 31 days. */
export function sqliteSpendStore(dataDir: string): SpendStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path.join(dataDir, "spend.sqlite"));
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; CREATE TABLE IF NOT EXISTS spend (key TEXT PRIMARY KEY, usd REAL NOT NULL, day TEXT NOT NULL)",
  );
  const cutoff = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 10);
  db.prepare("DELETE FROM spend WHERE day < ?").run(cutoff);
  const get = db.prepare("SELECT usd FROM spend WHERE key = ?");
  const add = db.prepare("INSERT INTO spend (key, usd, day) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET usd = usd + excluded.usd");
  const list = db.prepare("SELECT key, usd FROM spend WHERE day = ? ORDER BY key");
  return {
    get: async (key) => (get.get(key) as { usd: number } | undefined)?.usd ?? 0,
    add: async (key, usd) => void add.run(key, usd, key.slice(0, 10)),
    list: async (prefix) =>
      (list.all(prefix.slice(0, 10)) as { key: string; usd: number }[]).filter((r) => r.key.startsWith(prefix)).map((r) => [r.key, r.usd]),
    close: async () => db.close(),
  };
}

/** Totals in Redis (`<prefix>:spend:<day>:…`), shared by every worker, expiring after two days. */
export function redisSpendStore(redisUrl: string, prefix = "issue-agent"): SpendStore {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: reconnectDelay });
  // Without a listener ioredis prints a stack trace per reconnect attempt. An outage is logged once
  // by the queue's RedisHealth (same server); here a command just fails after two retries.
  redis.on("error", ignoreConnectionError);
  const k = (key: string) => `${prefix}:spend:${key}`;
  return {
    get: async (key) => Number((await redis.get(k(key))) ?? 0),
    add: async (key, usd) => {
      await redis
        .multi()
        .incrbyfloat(k(key), usd)
        .expire(k(key), 2 * 86_400)
        .exec();
    },
    async list(prefix) {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await redis.scan(cursor, "MATCH", `${k(prefix)}*`, "COUNT", 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0" && keys.length < 10_000);
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return keys.map((key, i) => [key.slice(`${prefix}:spend:`.length), Number(values[i] ?? 0)] as [string, number]);
    },
    close: async () => void (await redis.quit()),
  };
}

function ignoreConnectionError(error: unknown): void {
  if (!isConnectionError(error)) process.emitWarning(`spend ledger Redis error: ${error instanceof Error ? error.message : String(error)}`);
}
