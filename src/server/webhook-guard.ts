/**
 * In front of Probot's webhook middleware: anyone on the internet can POST to the webhook URL, and
 * the middleware buffers the whole body before it checks the signature. The guard makes an
 * unauthenticated request cost bounded memory and bounded work:
 *
 * 1. an address (or, past the global limit, anyone not recently seen with a valid signature) that
 *    failed the signature check too often in the last minute gets 429 before its body is read;
 * 2. no `X-Hub-Signature-256` header: 400 before the body is read;
 * 3. `Content-Length` above the cap (GitHub never sends more than 25 MB): 413 before the body is
 *    read; a chunked body is counted while it streams and the request ends with 413 at the cap;
 * 4. all bodies being read at once share one byte budget (503 when it is spent) and a deadline
 *    (408), so many parallel uploads cannot add up either;
 * 5. the signature is verified over the raw bytes; a mismatch is 400 and counts against the limits;
 * 6. a verified body is handed to Probot's middleware as `request.body`, which it uses as is.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { verify } from "@octokit/webhooks-methods";
import type { Probot } from "probot";

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<boolean> | boolean;

export type WebhookRejection = "rate-limited" | "no-signature" | "too-large" | "busy" | "timeout" | "bad-signature" | "aborted";

export interface WebhookGuardOptions {
  /** The webhook path (only POSTs to it are guarded; everything else passes through untouched). */
  path: string;
  secret: string;
  /** Largest body accepted (default 25 MiB). */
  maxBodyBytes?: number;
  /** Bytes of all bodies being read at once, before their signatures are known (default 64 MiB). */
  maxInflightBytes?: number;
  /** Failed signature checks per client address per minute before it is refused (default 10). */
  failuresPerAddress?: number;
  /** Failed signature checks per minute from everyone before unknown addresses are refused (default 100). */
  failuresGlobal?: number;
  /** A body must arrive within this time (default 30 s). */
  bodyTimeoutMs?: number;
  /** Behind a reverse proxy: the client is the last address of X-Forwarded-For. */
  trustProxy?: boolean;
  now?: () => number;
  onReject?: (reason: WebhookRejection, client: string) => void;
}

export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;
const WINDOW_MS = 60_000;
/** Addresses remembered by the limiter; the oldest are forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Sliding one-minute counts of failed signature checks, per address and overall. */
export class SignatureFailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly recentlyGood = new Map<string, number>();
  private global: number[] = [];

  constructor(
    private readonly perAddress: number,
    private readonly overall: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when `client` must be refused now, else 0. */
  retryAfter(client: string): number {
    const t = this.now();
    const own = this.recent(this.failures.get(client) ?? [], t);
    if (own.length >= this.perAddress) return seconds(own[0], t);
    this.global = this.recent(this.global, t);
    const good = this.recentlyGood.get(client);
    const trusted = good !== undefined && t - good < WINDOW_MS * 10;
    if (!trusted && this.global.length >= this.overall) return seconds(this.global[0], t);
    return 0;
  }

  fail(client: string): void {
    const t = this.now();
    const list = this.recent(this.failures.get(client) ?? [], t);
    list.push(t);
    this.failures.delete(client);
    this.failures.set(client, list);
    this.global.push(t);
    trim(this.failures);
  }

  /** A valid signature from `client`: it stays reachable while others are refused globally. */
  succeed(client: string): void {
    this.recentlyGood.delete(client);
    this.recentlyGood.set(client, this.now());
    trim(this.recentlyGood);
  }

  private recent(list: number[], t: number): number[] {
    return list.filter((x) => t - x < WINDOW_MS);
  }
}

function seconds(oldest: number | undefined, t: number): number {
  return Math.max(1, Math.ceil((WINDOW_MS - (t - (oldest ?? t))) / 1000));
}

function trim<V>(map: Map<string, V>): void {
  while (map.size > MAX_TRACKED_ADDRESSES) {
    const first = map.keys().next().value;
    if (first === undefined) return;
    map.delete(first);
  }
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const last = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** Wrap Probot's webhook middleware (see the module comment). */
export function guardWebhooks(inner: NodeMiddleware, options: WebhookGuardOptions): NodeMiddleware {
  const maxBody = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const budget = { free: options.maxInflightBytes ?? 64 * 1024 * 1024 };
  const limiter = new SignatureFailureLimiter(options.failuresPerAddress ?? 10, options.failuresGlobal ?? 100, options.now);
  const timeoutMs = options.bodyTimeoutMs ?? 30_000;
  const path = options.path.replace(/\/+$/, "") || "/";

  return async (req, res, next) => {
    if (req.method !== "POST" || pathOf(req) !== path) return inner(req, res, next);
    const client = clientAddress(req, options.trustProxy ?? false);
    const refuse = (status: number, reason: WebhookRejection, message: string, headers: Record<string, string> = {}, failure = true): boolean => {
      if (failure) limiter.fail(client);
      options.onReject?.(reason, client);
      reject(req, res, status, message, headers);
      return true;
    };

    const wait = limiter.retryAfter(client);
    if (wait > 0) return refuse(429, "rate-limited", "too many requests with a bad signature", { "retry-after": String(wait) }, false);
    const signature = req.headers["x-hub-signature-256"];
    if (typeof signature !== "string" || signature === "") return refuse(400, "no-signature", "missing X-Hub-Signature-256");
    const declared = req.headers["content-length"] === undefined ? null : Number(req.headers["content-length"]);
    if (declared !== null && !(declared <= maxBody)) return refuse(413, "too-large", `payload larger than ${maxBody} bytes`);

    const read = await readBody(req, { maxBody, budget, declared, timeoutMs });
    if (!read.ok) {
      if (read.reason === "aborted") {
        options.onReject?.("aborted", client);
        return true;
      }
      const status = { "too-large": 413, busy: 503, timeout: 408 }[read.reason];
      return refuse(
        status,
        read.reason,
        read.reason === "busy" ? "too many webhook bodies in flight" : read.reason,
        read.reason === "busy" ? { "retry-after": "5" } : {},
        read.reason !== "busy",
      );
    }
    const payload = new TextDecoder("utf-8").decode(read.body);
    // A malformed signature header throws: a failed check like any other.
    const valid = await verify(options.secret, payload, signature).catch(() => false);
    if (!valid) return refuse(400, "bad-signature", "signature does not match");
    limiter.succeed(client);
    (req as IncomingMessage & { body?: string }).body = payload;
    return inner(req, res, next);
  };
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "") || "/";
  } catch {
    return "";
  }
}

type ReadResult = { ok: true; body: Uint8Array } | { ok: false; reason: "too-large" | "busy" | "timeout" | "aborted" };

/**
 * Read the body into memory, never past `maxBody` bytes and never past the shared budget (bytes
 * are taken from it as they arrive and given back when reading ends, either way).
 */
function readBody(req: IncomingMessage, p: { maxBody: number; budget: { free: number }; declared: number | null; timeoutMs: number }): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let held = 0;
    const take = (n: number): boolean => {
      if (p.budget.free < n) return false;
      p.budget.free -= n;
      held += n;
      return true;
    };
    let settled = false;
    const finish = (result: ReadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("aborted", onAbort);
      p.budget.free += held;
      held = 0;
      if (!result.ok) chunks.length = 0;
      resolve(result);
    };
    // A declared length is reserved up front: a body that cannot fit is refused before it arrives.
    if (p.declared !== null && !take(p.declared)) {
      resolve({ ok: false, reason: "busy" });
      return;
    }
    const reserved = held;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > p.maxBody) return finish({ ok: false, reason: "too-large" });
      if (received > reserved && !take(Math.min(chunk.length, received - reserved))) return finish({ ok: false, reason: "busy" });
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, received) });
    const onAbort = () => finish({ ok: false, reason: "aborted" });
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout" }), p.timeoutMs);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("aborted", onAbort);
  });
}

/**
 * Answer, and when the body was not read to its end, get rid of the connection without reading the
 * rest: reading stops (what the client still sends waits in the kernel; Node would otherwise drain
 * it at full speed), and the socket is destroyed a moment later, once the client could read the
 * answer (closing a socket with unread data sends a reset, which can destroy an answer in flight).
 */
function reject(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  const body = `${JSON.stringify({ error: message })}\n`;
  if (!res.headersSent) res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
  if (req.complete) return;
  req.removeAllListeners("data");
  req.pause();
  // Marks the body as being consumed, so Node does not drain it after the answer (it reads at most
  // one buffer's worth, then stops).
  req.read(0);
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/**
 * A Probot class whose webhook middleware (what Probot's `Server` puts first, ahead of every other
 * handler) is wrapped by the guard. `Server` asks its Probot for the middleware when it starts.
 */
export function withWebhookGuard(Base: typeof Probot, options: WebhookGuardOptions): typeof Probot {
  return class GuardedProbot extends Base {
    override async getNodeMiddleware(o: Parameters<Probot["getNodeMiddleware"]>[0] = {}): ReturnType<Probot["getNodeMiddleware"]> {
      const inner = await super.getNodeMiddleware(o);
      return guardWebhooks(inner, { ...options, path: o.path ?? options.path }) as unknown as typeof inner;
    }
  };
}
