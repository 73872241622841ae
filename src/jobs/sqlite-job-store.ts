/**
 * The embedded queue's durable state: one `jobs` table in node:sqlite (WAL mode). Every state
 * change is a single SQL statement or an IMMEDIATE transaction, so two processes opening the same
 * file still never claim the same job or two jobs of one key.
 *
 * States: queued -> running -> done | failed | cancelled, and running -> queued on a retry, a
 * crash recovery or a shutdown requeue.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import type { EnqueueRequest, JobInfo, JobKind, JobOutcome, JsonValue } from "./types.js";

export interface StoredJob extends JobInfo {
  seq: number;
  state: "queued" | "running" | "done" | "failed" | "cancelled";
  owner: string | null;
  cancelRequested: boolean;
  outcome: string | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The job's JobFacts as JSON (status page), or null before it first reported. */
  report: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  delivery_id TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after INTEGER NOT NULL DEFAULT 0,
  owner TEXT,
  heartbeat_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  report TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state_seq ON jobs(state, seq);
CREATE INDEX IF NOT EXISTS jobs_key_state ON jobs(key, state);
`;

/** Columns added after the first release: a queue file from an older version gains them on open. */
const ADDED_COLUMNS: ReadonlyArray<[string, string]> = [
  ["started_at", "INTEGER"],
  ["report", "TEXT"],
];

function toJob(row: Record<string, SQLOutputValue>): StoredJob {
  return {
    seq: Number(row.seq),
    id: String(row.id),
    kind: String(row.kind) as JobKind,
    key: String(row.key),
    deliveryId: String(row.delivery_id),
    payload: JSON.parse(String(row.payload)) as { [key: string]: JsonValue },
    state: String(row.state) as StoredJob["state"],
    attempt: Number(row.attempt),
    maxAttempts: Number(row.max_attempts),
    owner: row.owner === null ? null : String(row.owner),
    cancelRequested: Number(row.cancel_requested) === 1,
    outcome: row.outcome === null ? null : String(row.outcome),
    error: row.error === null ? null : String(row.error),
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null || row.started_at === undefined ? null : Number(row.started_at),
    finishedAt: row.finished_at === null || row.finished_at === undefined ? null : Number(row.finished_at),
    report: row.report === null || row.report === undefined ? null : String(row.report),
  };
}

export class SqliteJobStore {
  readonly file: string;
  private readonly db: DatabaseSync;
  /** Prepared once: enqueue sits on the webhook path, where re-preparing SQL is measurable. */
  private readonly statements = new Map<string, StatementSync>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, "queue.sqlite");
    this.db = new DatabaseSync(this.file);
    // WAL lets the webhook path enqueue while a worker writes; busy_timeout covers a second process.
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
    this.db.exec(SCHEMA);
    const columns = new Set(
      this.db
        .prepare("PRAGMA table_info(jobs)")
        .all()
        .map((c) => String(c.name)),
    );
    for (const [name, type] of ADDED_COLUMNS) if (!columns.has(name)) this.db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${type}`);
  }

  /**
   * Insert a job; returns null when the delivery id already exists (a redelivery). With
   * `replaceQueued`, waiting jobs of the same key and kind are cancelled in the same transaction.
   */
  insert(id: string, request: EnqueueRequest, maxAttempts: number, now: number): { job: StoredJob; replaced: StoredJob[] } | null {
    return this.transaction(() => {
      if (this.findByDelivery(request.deliveryId)) return null;
      const replaced = request.replaceQueued
        ? this.sql("UPDATE jobs SET state = 'cancelled', outcome = 'cancelled', finished_at = ? WHERE key = ? AND kind = ? AND state = 'queued' RETURNING *")
            .all(now, request.key, request.kind)
            .map(toJob)
        : [];
      const job = this.insertRow(id, request, maxAttempts, now);
      return job ? { job, replaced } : null;
    });
  }

  private insertRow(id: string, request: EnqueueRequest, maxAttempts: number, now: number): StoredJob | null {
    const row = this.sql(
      `INSERT INTO jobs (id, kind, key, delivery_id, payload, state, max_attempts, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT(delivery_id) DO NOTHING RETURNING *`,
    ).get(id, request.kind, request.key, request.deliveryId, JSON.stringify(request.payload), maxAttempts, now);
    return row ? toJob(row) : null;
  }

  findByDelivery(deliveryId: string): StoredJob | null {
    const row = this.sql("SELECT * FROM jobs WHERE delivery_id = ?").get(deliveryId);
    return row ? toJob(row) : null;
  }

  get(id: string): StoredJob | null {
    const row = this.sql("SELECT * FROM jobs WHERE id = ?").get(id);
    return row ? toJob(row) : null;
  }

  /** Unfinished jobs of the same key ahead of this one. */
  positionOf(job: StoredJob): number {
    const row = this.sql("SELECT COUNT(*) AS n FROM jobs WHERE key = ? AND state IN ('queued', 'running') AND seq < ?").get(job.key, job.seq);
    return Number(row?.n ?? 0);
  }

  /**
   * Atomically take the oldest runnable job: queued, due, no running job of its key, and no older
   * queued job of its key (FIFO per key, even when the older one waits for a retry backoff).
   */
  claim(owner: string, now: number): StoredJob | null {
    const row = this.sql(
      `UPDATE jobs SET state = 'running', owner = ?, heartbeat_at = ?, started_at = ?, attempt = attempt + 1
         WHERE id = (
           SELECT j.id FROM jobs j
           WHERE j.state = 'queued' AND j.run_after <= ?
             AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.key = j.key
                             AND (r.state = 'running' OR (r.state = 'queued' AND r.seq < j.seq)))
           ORDER BY j.seq LIMIT 1)
         RETURNING *`,
    ).get(owner, now, now, now);
    return row ? toJob(row) : null;
  }

  finish(id: string, state: "done" | "failed" | "cancelled", outcome: JobOutcome | null, error: string | null, now: number): void {
    this.sql("UPDATE jobs SET state = ?, outcome = ?, error = ?, finished_at = ?, owner = NULL WHERE id = ?").run(state, outcome, error, now, id);
  }

  /** Put a running job back in line. `burnAttempt: false` gives the attempt back (shutdown). */
  requeue(id: string, burnAttempt: boolean, runAfter: number): void {
    this.sql(
      `UPDATE jobs SET state = 'queued', owner = NULL, run_after = ?,
         attempt = CASE WHEN ? THEN attempt ELSE MAX(attempt - 1, 0) END WHERE id = ? AND state = 'running'`,
    ).run(runAfter, burnAttempt ? 1 : 0, id);
  }

  /** Refresh the heartbeat of this owner's running jobs; returns the ids asked to cancel. */
  heartbeat(owner: string, now: number): string[] {
    this.sql("UPDATE jobs SET heartbeat_at = ? WHERE owner = ? AND state = 'running'").run(now, owner);
    return this.sql("SELECT id FROM jobs WHERE owner = ? AND state = 'running' AND cancel_requested = 1")
      .all(owner)
      .map((r) => String(r.id));
  }

  /** Cancel the queued jobs of a key and flag its running one; with `requesterId`, only jobs that user started. */
  cancelKey(key: string, now: number, requesterId: number | null = null): { queued: StoredJob[]; running: StoredJob[] } {
    const mine = "(? IS NULL OR json_extract(payload, '$.requester.id') = ?)";
    return this.transaction(() => {
      const queued = this.sql(
        `UPDATE jobs SET state = 'cancelled', outcome = 'cancelled', finished_at = ? WHERE key = ? AND state = 'queued' AND ${mine} RETURNING *`,
      )
        .all(now, key, requesterId, requesterId)
        .map(toJob);
      const running = this.sql(`UPDATE jobs SET cancel_requested = 1 WHERE key = ? AND state = 'running' AND ${mine} RETURNING *`)
        .all(key, requesterId, requesterId)
        .map(toJob);
      return { queued, running };
    });
  }

  waiting(key: string, kind: JobKind): number {
    return Number(this.sql("SELECT COUNT(*) AS n FROM jobs WHERE key = ? AND kind = ? AND state = 'queued'").get(key, kind)?.n ?? 0);
  }

  /** Queued and running jobs of a key. */
  pending(key: string): number {
    return Number(this.sql("SELECT COUNT(*) AS n FROM jobs WHERE key = ? AND state IN ('queued', 'running')").get(key)?.n ?? 0);
  }

  /** Running jobs whose owner is gone: `isOrphan` decides from owner and heartbeat age. */
  running(): Array<StoredJob & { heartbeatAt: number }> {
    return this.sql("SELECT * FROM jobs WHERE state = 'running'")
      .all()
      .map((r) => ({ ...toJob(r), heartbeatAt: Number(r.heartbeat_at ?? 0) }));
  }

  /** Take over an orphan only if it is still in the state we saw (another worker may race us). */
  recoverOrphan(id: string, owner: string, giveUpReason: string | null, now: number): boolean {
    const result =
      giveUpReason === null
        ? this.sql("UPDATE jobs SET state = 'queued', owner = NULL, run_after = 0 WHERE id = ? AND state = 'running' AND owner = ?").run(id, owner)
        : this.sql("UPDATE jobs SET state = 'failed', owner = NULL, error = ?, finished_at = ? WHERE id = ? AND state = 'running' AND owner = ?").run(
            giveUpReason,
            now,
            id,
            owner,
          );
    return Number(result.changes) === 1;
  }

  /** Keep the running job's facts for the status page. */
  saveReport(id: string, report: string): void {
    this.sql("UPDATE jobs SET report = ? WHERE id = ?").run(report, id);
  }

  /** Running and queued jobs in queue order, then the newest `finished` finished ones. */
  list(finished: number): { active: StoredJob[]; finished: StoredJob[] } {
    return {
      active: this.sql("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY seq").all().map(toJob),
      finished: this.sql("SELECT * FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY finished_at DESC, seq DESC LIMIT ?")
        .all(finished)
        .map(toJob),
    };
  }

  depth(): number {
    return Number(this.sql("SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued'").get()?.n ?? 0);
  }

  isRunning(key: string): boolean {
    return this.sql("SELECT 1 FROM jobs WHERE key = ? AND state = 'running' LIMIT 1").get(key) !== undefined;
  }

  /**
   * Forget finished jobs older than `before`. Their delivery ids go with them, so keep this well
   * past GitHub's redelivery window (a few days).
   */
  prune(before: number): number {
    const result = this.sql("DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND finished_at < ?").run(before);
    return Number(result.changes);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }
}
