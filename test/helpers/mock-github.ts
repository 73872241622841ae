/**
 * The one strict fake of GitHub's REST (and GraphQL) API for tests, in two modes over the same
 * expectation-matching core, so both behave identically:
 * - `mockGitHub()`: in-process, a catch-all nock interceptor on the API host (integration tests);
 * - `await mockGitHub.serve({ pathPrefix: "/api/v3" })`: a real HTTP server on 127.0.0.1, for an
 *   app spawned as its own process (e2e: point GHE_HOST at `gh.host`, GHE_PROTOCOL=http), `await gh.close()`.
 * Every request is routed to the expectations registered here: a request no expectation matches is
 * answered 501 AND recorded, and `assertDone()` fails on it, as it fails on a required expectation
 * that was never (or too few times) used.
 *
 *   const gh = mockGitHub();                       // https://api.github.com by default
 *   gh.installationToken(1, "ghs_test");
 *   gh.permission("octo", "repo", "alice", "write");
 *   gh.on("POST", "/repos/octo/repo/issues/1/comments").reply(201, (call) => ({ id: 7, body: call.json.body }));
 *   gh.on("PATCH", /\/issues\/comments\/7$/).any().reply(200, {});
 *   ...
 *   gh.assertDone();
 *   gh.outboundText()  // every request body sent to GitHub, for secret scans
 *
 * Expectations match in registration order; `times(n)` (default 1) consumes, `any()` never runs
 * out and is not required. Call `gh.stop()` (or rely on setup.ts's nock.cleanAll) after a test.
 * setup.ts clears nock after EVERY test, so an in-process fake shared by several `it`s (arranged in
 * `beforeAll`) answers only until the first of them ends: run the whole flow in `beforeAll`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";

export interface RecordedCall {
  method: string;
  /** Path with query string, e.g. `/repos/o/r/issues/1/comments?per_page=100`. */
  path: string;
  /** Path without query string. */
  pathname: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed request JSON, poked by tests
  json: any;
}

type ReplyBody = ((call: RecordedCall) => unknown) | Record<string, unknown> | unknown[] | string | null;
type Matcher = string | RegExp | ((pathname: string, call: RecordedCall) => boolean);

export interface Expectation {
  readonly method: string;
  readonly matcher: Matcher;
  readonly calls: RecordedCall[];
  times(n: number): Expectation;
  /** Unlimited and optional. */
  any(): Expectation;
  /** Only match calls whose parsed body passes `predicate`. */
  withBody(predicate: (json: RecordedCall["json"]) => boolean): Expectation;
  reply(status: number, body?: ReplyBody, headers?: Record<string, string>): Expectation;
  /** Reply with a status chosen per call (a stateful fake: 200 or 404, 201 or 422). */
  respond(fn: (call: RecordedCall) => [status: number, body: unknown]): Expectation;
}

interface ExpectationState extends Expectation {
  remaining: number;
  required: number;
  status: number;
  replyBody: ReplyBody;
  replyHeaders: Record<string, string>;
  bodyPredicate?: (json: RecordedCall["json"]) => boolean;
  responder?: (call: RecordedCall) => [number, unknown];
}

export interface GitHubMock {
  readonly baseUrl: string;
  readonly calls: RecordedCall[];
  readonly unmatched: RecordedCall[];
  on(method: string, matcher: Matcher): Expectation;
  /** `POST /app/installations/:id/access_tokens` (any number of times). */
  installationToken(installationId: number, token: string): GitHubMock;
  /** The collaborator-permission answer for a user (`role_name`; `permission` derived). */
  permission(owner: string, repo: string, login: string, role: "admin" | "maintain" | "write" | "triage" | "read" | "none"): GitHubMock;
  /** Calls matching method and path. */
  callsTo(method: string, matcher: Matcher): RecordedCall[];
  /** Every request body sent to GitHub joined, for "no secret left the app" assertions. */
  outboundText(): string;
  /** Throw listing unmatched requests and unused required expectations. */
  assertDone(): void;
  stop(): void;
}

function matches(matcher: Matcher, call: RecordedCall): boolean {
  if (typeof matcher === "string") return matcher === call.pathname;
  if (matcher instanceof RegExp) return matcher.test(call.pathname);
  return matcher(call.pathname, call);
}

function describe(method: string, matcher: Matcher): string {
  return `${method} ${typeof matcher === "function" ? "<fn>" : String(matcher)}`;
}

/** A served fake: the same API, plus where it listens. */
export interface ServedGitHubMock extends GitHubMock {
  /** `127.0.0.1:<port>`, for GHE_HOST. */
  readonly host: string;
  /** Stop listening (open connections are dropped). */
  close(): Promise<void>;
}

type Answer = [status: number, body: string, headers: Record<string, string>];

interface Core {
  calls: RecordedCall[];
  unmatched: RecordedCall[];
  answer(call: RecordedCall): Answer;
  api(baseUrl: string, stop: () => void): GitHubMock;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function recordedCall(method: string, url: URL, prefix: string, headers: RecordedCall["headers"], body: string): RecordedCall {
  const pathname = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  return { method, path: `${pathname}${url.search}`, pathname, query: url.searchParams, headers, body, json: parseJson(body) };
}

/** The expectations, the recorded calls and the strict matching: shared by both modes. */
function createCore(): Core {
  const expectations: ExpectationState[] = [];
  const calls: RecordedCall[] = [];
  const unmatched: RecordedCall[] = [];

  const answer = (call: RecordedCall): Answer => {
    calls.push(call);
    const expectation = expectations.find(
      (e) => e.method === call.method && e.remaining > 0 && matches(e.matcher, call) && (!e.bodyPredicate || e.bodyPredicate(call.json)),
    );
    if (!expectation) {
      unmatched.push(call);
      return [501, JSON.stringify({ message: `mock-github: no expectation for ${call.method} ${call.path}` }), { "content-type": "application/json" }];
    }
    expectation.remaining -= 1;
    expectation.calls.push(call);
    if (expectation.responder) {
      const [status, body] = expectation.responder(call);
      return [status, JSON.stringify(body ?? ""), { "content-type": "application/json" }];
    }
    const body = typeof expectation.replyBody === "function" ? expectation.replyBody(call) : expectation.replyBody;
    return [
      expectation.status,
      typeof body === "string" ? body : JSON.stringify(body ?? ""),
      { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...expectation.replyHeaders },
    ];
  };

  const api = (baseUrl: string, stop: () => void): GitHubMock => {
    const mock: GitHubMock = {
      baseUrl,
      calls,
      unmatched,
      on(method, matcher) {
        const state: ExpectationState = {
          method: method.toUpperCase(),
          matcher,
          calls: [],
          remaining: 1,
          required: 1,
          status: 200,
          replyBody: {},
          replyHeaders: {},
          times(n) {
            state.remaining = n;
            state.required = n;
            return state;
          },
          any() {
            state.remaining = Number.POSITIVE_INFINITY;
            state.required = 0;
            return state;
          },
          withBody(predicate) {
            state.bodyPredicate = predicate;
            return state;
          },
          respond(fn) {
            state.responder = fn;
            return state;
          },
          reply(status, body, headers) {
            state.status = status;
            state.replyBody = body ?? {};
            state.replyHeaders = headers ?? {};
            return state;
          },
        };
        expectations.push(state);
        return state;
      },
      installationToken(installationId, token) {
        mock
          .on("POST", `/app/installations/${installationId}/access_tokens`)
          .any()
          .reply(201, (call) => ({
            token,
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: call.json?.permissions ?? {},
            repository_selection: "selected",
          }));
        return mock;
      },
      permission(owner, repo, login, role) {
        const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
        mock
          .on("GET", `/repos/${owner}/${repo}/collaborators/${encodeURIComponent(login)}/permission`)
          .any()
          .reply(role === "none" ? 404 : 200, role === "none" ? { message: "Not Found" } : { permission, role_name: role, user: { login } });
        return mock;
      },
      callsTo(method, matcher) {
        return calls.filter((c) => c.method === method.toUpperCase() && matches(matcher, c));
      },
      outboundText() {
        return calls.map((c) => `${c.method} ${c.path}\n${c.body}`).join("\n");
      },
      assertDone() {
        const problems: string[] = [];
        for (const call of unmatched) problems.push(`unmatched request: ${call.method} ${call.path} ${call.body.slice(0, 300)}`);
        for (const e of expectations) {
          if (e.calls.length < e.required) problems.push(`expected ${describe(e.method, e.matcher)} ${e.required}x, got ${e.calls.length}`);
        }
        if (problems.length > 0)
          throw new Error(`mock-github:\n  ${problems.join("\n  ")}\ncalls:\n  ${calls.map((c) => `${c.method} ${c.path}`).join("\n  ")}`);
      },
      stop,
    };
    return mock;
  };

  return { calls, unmatched, answer, api };
}

/** In-process mode: a catch-all nock interceptor on `baseUrl`'s origin. */
export function mockGitHub(baseUrl = "https://api.github.com"): GitHubMock {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/$/, "");
  const core = createCore();
  const scope = nock(url.origin).persist();
  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    scope
      .intercept(() => true, method)
      // nock 15 hands the reply function the fetch Request (one argument: two would make it callback-style).
      .reply(async (request: Request) => {
        const call = recordedCall(method, new URL(request.url), prefix, Object.fromEntries(request.headers.entries()), await request.text());
        return core.answer(call);
      });
  }
  return core.api(baseUrl, () => {
    scope.persist(false);
    nock.cleanAll();
  });
}

/**
 * Server mode: the same fake as a real HTTP server on 127.0.0.1, for a process the test spawns.
 * `pathPrefix` is where the API lives (`/api/v3` for GitHub Enterprise's layout, which GHE_HOST selects).
 */
async function serveGitHub(options: { pathPrefix?: string } = {}): Promise<ServedGitHubMock> {
  const prefix = (options.pathPrefix ?? "").replace(/\/$/, "");
  const core = createCore();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const call = recordedCall(
        (req.method ?? "GET").toUpperCase(),
        new URL(req.url ?? "/", "http://127.0.0.1"),
        prefix,
        req.headers,
        Buffer.concat(chunks).toString("utf8"),
      );
      let answer: Answer;
      try {
        answer = core.answer(call);
      } catch (error) {
        // A throwing reply function is a test bug: answer 500 rather than hang the app's request.
        answer = [500, JSON.stringify({ message: `mock-github: reply threw: ${String(error)}` }), { "content-type": "application/json" }];
      }
      res.writeHead(answer[0], answer[2]);
      res.end(answer[1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const mock = core.api(`http://${host}${prefix}`, () => void close());
  return Object.assign(mock, { host, close });
}

mockGitHub.serve = serveGitHub;
