/**
 * The one strict mock of GitHub's REST (and GraphQL) API for tests. Every request to the API host
 * goes through a catch-all nock interceptor that routes it to the expectations registered here:
 * a request no expectation matches is answered 501 AND recorded, and `assertDone()` fails on it,
 * as it fails on a required expectation that was never (or too few times) used.
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
 */
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

export function mockGitHub(baseUrl = "https://api.github.com"): GitHubMock {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/$/, "");
  const expectations: ExpectationState[] = [];
  const calls: RecordedCall[] = [];
  const unmatched: RecordedCall[] = [];
  const scope = nock(url.origin).persist();

  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    scope
      .intercept(() => true, method)
      // nock 15 hands the reply function the fetch Request (one argument: two would make it callback-style).
      .reply(async (request: Request) => {
        const u = new URL(request.url);
        const bodyText = await request.text();
        let json: unknown;
        try {
          json = bodyText ? JSON.parse(bodyText) : undefined;
        } catch {
          json = undefined;
        }
        const call: RecordedCall = {
          method,
          path: `${u.pathname.slice(prefix.length)}${u.search}`,
          pathname: u.pathname.slice(prefix.length),
          query: u.searchParams,
          headers: Object.fromEntries(request.headers.entries()),
          body: bodyText,
          json,
        };
        calls.push(call);
        const expectation = expectations.find(
          (e) => e.method === method && e.remaining > 0 && matches(e.matcher, call) && (!e.bodyPredicate || e.bodyPredicate(call.json)),
        );
        if (!expectation) {
          unmatched.push(call);
          return [501, { message: `mock-github: no expectation for ${method} ${call.path}` }];
        }
        expectation.remaining -= 1;
        expectation.calls.push(call);
        if (expectation.responder) {
          const [status, answer] = expectation.responder(call);
          return [status, JSON.stringify(answer ?? ""), { "content-type": "application/json" }];
        }
        const body = typeof expectation.replyBody === "function" ? expectation.replyBody(call) : expectation.replyBody;
        return [
          expectation.status,
          typeof body === "string" ? body : JSON.stringify(body ?? ""),
          { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...expectation.replyHeaders },
        ];
      });
  }

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
        .reply(201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
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
      if (problems.length > 0) throw new Error(`mock-github:\n  ${problems.join("\n  ")}\ncalls:\n  ${calls.map((c) => `${c.method} ${c.path}`).join("\n  ")}`);
    },
    stop() {
      scope.persist(false);
      nock.cleanAll();
    },
  };
  return mock;
}
