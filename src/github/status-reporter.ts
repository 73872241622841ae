/**
 * The status reporter: a throttled editor of one status comment (see status-comment.ts) that owns
 * the run's title and start time. It never calls GitHub itself: the run frame gives it a `write`
 * function bound to one comment through the repository port, so tasks can hold a reporter without
 * holding a way to write anywhere else.
 */
import { renderStatus, type StatusView } from "./format-status.js";
import { renderMarker, type MarkerData } from "./markers.js";

/** What a run says about itself: the reporter adds the run's title and start time. */
export type StatusUpdate = Omit<StatusView, "title" | "startedAt">;

export interface StatusReporterOptions {
  /** How the comment names the run, on every edit. */
  title: string;
  /** When the run started (elapsed time on every edit); defaults to now. */
  startedAt?: number;
  minIntervalMs?: number;
  now?: () => number;
  marker: MarkerData;
  allowCloseIssue?: number;
  /** Literal secrets to redact from every edit (the installation token in use). */
  secrets?: () => readonly string[];
  onError?: (error: unknown) => void;
}

/**
 * Throttled editor of one status comment; it owns the run's title and start time. `write` puts a
 * full body on the comment (the repository port's `updateStatusComment`, bound to the comment).
 */
export class StatusReporter {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private lastBody = "";
  private pending: StatusUpdate | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly notes: string[] = [];
  readonly edits: string[] = [];
  readonly title: string;
  readonly startedAt: number;
  /** Shown on every later edit (the run's model, once the config is known). */
  always: Partial<StatusUpdate> = {};

  constructor(
    private readonly write: (body: string) => Promise<void>,
    private readonly options: StatusReporterOptions,
  ) {
    this.title = options.title;
    this.startedAt = options.startedAt ?? this.now();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A note that stays on the comment from now on, whatever the run's later states (safe text only). */
  addNote(note: string): void {
    if (!this.notes.includes(note)) this.notes.push(note);
  }

  /** Queue an intermediate update; sent now if the throttle allows, else folded into the next. */
  update(view: StatusUpdate): Promise<void> {
    this.pending = view;
    if (this.now() - this.lastSentAt < (this.options.minIntervalMs ?? 10_000)) return this.chain;
    return this.flush();
  }

  /** A final state: always sent (unless identical to the last one). */
  finish(view: StatusUpdate): Promise<void> {
    this.pending = view;
    return this.flush();
  }

  private flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const view = this.pending;
      if (!view) return;
      this.pending = null;
      const notes = [...(view.notes ?? []), ...this.notes];
      // Every untrusted piece is made safe inside renderStatus; the marker goes on after.
      const text = renderStatus(
        { title: this.title, startedAt: this.startedAt, ...this.always, ...view, now: view.now ?? this.now(), ...(notes.length > 0 ? { notes } : {}) },
        { allowCloseIssue: this.options.allowCloseIssue, secrets: this.options.secrets?.() ?? [] },
      );
      const full = `${text}\n\n${renderMarker("status", this.options.marker)}`;
      if (full === this.lastBody) return;
      this.lastSentAt = this.now();
      try {
        await this.write(full);
        this.lastBody = full;
        this.edits.push(full);
      } catch (error) {
        // A failed status edit must not fail the run; the next edit carries the newer state.
        this.options.onError?.(error);
      }
    });
    return this.chain;
  }
}
