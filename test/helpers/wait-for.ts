/**
 * The one way tests wait for something asynchronous: poll `probe` until it returns a truthy value
 * (or, with `until: "defined"`, anything but undefined), with a deadline, and fail with what was
 * awaited and, when given, the state that explains why it never came. No test polls without a
 * deadline.
 */
export interface WaitOptions {
  /** What is awaited, for the error message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Extra context for the error (e.g. recent calls or a child's output). */
  detail?: () => string;
  /** Stop early when this turns true (e.g. the process under test exited). */
  failed?: () => boolean;
  until?: "truthy" | "defined";
}

export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions | string, timeoutMs?: number): Promise<NonNullable<T>> {
  const o: WaitOptions = typeof options === "string" ? { what: options, ...(timeoutMs !== undefined ? { timeoutMs } : {}) } : options;
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  const done = (value: T): boolean => (o.until === "defined" ? value !== undefined : Boolean(value));
  for (;;) {
    const value = await probe();
    if (done(value)) return value as NonNullable<T>;
    const detail = o.detail ? `\n${o.detail()}` : "";
    if (o.failed?.()) throw new Error(`gave up waiting for ${o.what}: it can no longer happen${detail}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${o.timeoutMs ?? 10_000} ms waiting for ${o.what}${detail}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 20));
  }
}
