/**
 * Keeps the head and the tail of a stream in bounded memory, however much a command prints.
 * The head shows how a command started, the tail how it ended (the failing test, the final
 * error), so both matter to the model; the middle is cut and replaced by a marker.
 */
export interface OutputCollector {
  push(chunk: Buffer): void;
  /** Total bytes seen, kept or not. */
  readonly totalBytes: number;
  /** Head bytes and tail bytes kept (each at most `capacity`). */
  snapshot(): { head: Buffer; tail: Buffer; total: number };
}

export function createOutputCollector(capacity: number): OutputCollector {
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  // The tail is a list of chunks trimmed from the front whenever it grows past twice the
  // capacity, so memory stays bounded without copying on every chunk.
  let tailChunks: Buffer[] = [];
  let tailBytes = 0;
  let total = 0;

  return {
    get totalBytes() {
      return total;
    },
    push(chunk: Buffer) {
      total += chunk.length;
      let rest = chunk;
      if (headBytes < capacity) {
        const take = Math.min(capacity - headBytes, rest.length);
        headChunks.push(rest.subarray(0, take));
        headBytes += take;
        rest = rest.subarray(take);
      }
      if (rest.length === 0) return;
      tailChunks.push(rest);
      tailBytes += rest.length;
      if (tailBytes > 2 * capacity) {
        const joined = Buffer.concat(tailChunks).subarray(-capacity);
        tailChunks = [Buffer.from(joined)];
        tailBytes = joined.length;
      }
    },
    snapshot() {
      const tail = Buffer.concat(tailChunks);
      return { head: Buffer.concat(headChunks), tail: tail.subarray(Math.max(0, tail.length - capacity)), total };
    },
  };
}

export interface CappedText {
  text: string;
  truncated: boolean;
}

/**
 * Shares `maxBytes` between the streams: a stream that needs less than its half gives the rest
 * to the other, so a command that only writes stdout still gets the whole budget.
 */
export function finalizeOutputs(collectors: readonly OutputCollector[], maxBytes: number): CappedText[] {
  const snaps = collectors.map((c) => c.snapshot());
  const budgets = shareBudget(
    snaps.map((s) => s.total),
    maxBytes,
  );
  return snaps.map((snap, i) => capOne(snap, budgets[i] ?? 0));
}

function shareBudget(needs: number[], maxBytes: number): number[] {
  const budgets = needs.map(() => 0);
  let remaining = maxBytes;
  let open = needs.map((_, i) => i);
  while (open.length > 0 && remaining > 0) {
    const share = Math.floor(remaining / open.length);
    if (share === 0) break;
    const next: number[] = [];
    for (const i of open) {
      const want = (needs[i] ?? 0) - (budgets[i] ?? 0);
      const give = Math.min(want, share);
      budgets[i] = (budgets[i] ?? 0) + give;
      remaining -= give;
      if (want > give) next.push(i);
    }
    open = next;
  }
  return budgets;
}

function capOne(snap: { head: Buffer; tail: Buffer; total: number }, budget: number): CappedText {
  const all = Buffer.concat([snap.head, snap.tail]);
  if (snap.total <= budget && all.length === snap.total) return { text: all.toString("utf8"), truncated: false };
  const headKeep = Math.min(snap.head.length, Math.ceil(budget / 2));
  const tailKeep = Math.min(snap.tail.length, budget - headKeep);
  const cut = snap.total - headKeep - tailKeep;
  const marker = `\n[... ${cut} bytes cut by the sandbox output cap; the head and the tail are kept ...]\n`;
  const head = snap.head.subarray(0, headKeep).toString("utf8");
  const tail = tailKeep > 0 ? snap.tail.subarray(snap.tail.length - tailKeep).toString("utf8") : "";
  return { text: head + marker + tail, truncated: true };
}
