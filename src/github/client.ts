/**
 * The Octokit the app uses everywhere (Probot's, with retry, throttling and pagination), and the
 * factory that hands one out per step, each with its own least-privilege installation token
 * (THREATS A12, G5):
 *
 * - every token names exactly one repository and the permissions that step needs (`TokenScope`);
 *   the one exception is reading `.github/agent.yml`, which may legitimately come from the owner's
 *   `.github` repository or a same-owner `_extends` file: `CONFIG_SCOPE` is contents:read only;
 * - git gets a separate token (contents read for review clones, write for pushes), never the
 *   client's; a public fork's head is cloned with no token at all (the tasks decide that);
 * - tokens are cached per scope until five minutes before they expire, so a burst of events does
 *   not mint a token each;
 * - every REST/GraphQL call of a client the factory made is reported to `observe` (calls by
 *   endpoint, the installation's remaining quota) and can be counted against a `CallBudget`.
 *
 * Tests inject a factory over a nocked Octokit; production builds it from the Probot instance.
 */
import type { Probot } from "probot";
import { AppError } from "../shared/errors.js";
import type { GitHubClient } from "./octokit.js";
import { createRepoGitHub, type RepoGitHub, type RepoGitHubOptions, type RepoScope } from "./repo-github.js";

export type { GitHubClient };

export type TokenPermissions = Partial<
  Record<"contents" | "issues" | "pull_requests" | "checks" | "actions" | "security_events" | "metadata", "read" | "write">
>;

export interface TokenScope {
  /** The one repository the step works on (`"all"`: only `CONFIG_SCOPE`, see above). */
  repositoryIds: [number] | "all";
  permissions: TokenPermissions;
}

/** What git needs: one repository, contents only. */
export interface GitTokenScope {
  repositoryIds: [number];
  permissions: { contents: "read" | "write" };
}

/** Reading `.github/agent.yml` with its org-wide fallback and `_extends`: contents, read-only. */
export const CONFIG_SCOPE: TokenScope = { repositoryIds: "all", permissions: { contents: "read" } };

/** A cap on the API calls one client may make (e.g. per security review); past it, calls throw. */
export interface CallBudget {
  readonly max: number;
  used: number;
}

export interface ObservedCall {
  installationId: number;
  /** `GET /repos/{owner}/{repo}/pulls/{pull_number}`: the route, never the concrete path. */
  endpoint: string;
  status: number;
  /** `x-ratelimit-remaining` / `x-ratelimit-limit` of the answer, when GitHub sent them. */
  remaining?: number;
  limit?: number;
  /** `x-ratelimit-reset`: when the quota refills, in epoch milliseconds. */
  resetAt?: number;
}

export interface ClientOptions {
  budget?: CallBudget;
}

export interface GitHubClientFactory {
  /** An Octokit authenticated as the installation with a token limited to `scope`. */
  forInstallation(installationId: number, scope: TokenScope, options?: ClientOptions): Promise<GitHubClient>;
  /** An installation token for git over HTTPS; goes only to isomorphic-git's onAuth. */
  installationToken(installationId: number, scope: GitTokenScope): Promise<string>;
  /**
   * The GitHub port for one repository (github/repo-github.ts) over a client limited to `scope`.
   * The app's login comes from `options.botLogin`, else from the factory's `botLogin`.
   */
  forRepo(installationId: number, scope: TokenScope, repo: RepoScope, options?: ClientOptions & RepoGitHubOptions): Promise<RepoGitHub>;
}

/**
 * `forRepo` for a factory that only mints clients (tests' fakes, wrappers): the port over
 * `forInstallation`'s client.
 */
export function withRepoPorts(
  factory: Pick<GitHubClientFactory, "forInstallation" | "installationToken">,
  botLogin?: () => string | undefined,
): GitHubClientFactory {
  return {
    forInstallation: (installationId, scope, options) => factory.forInstallation(installationId, scope, options),
    installationToken: (installationId, scope) => factory.installationToken(installationId, scope),
    async forRepo(installationId, scope, repo, options = {}) {
      const octokit = await factory.forInstallation(installationId, scope, options.budget ? { budget: options.budget } : {});
      return createRepoGitHub(octokit, repo, { botLogin: options.botLogin ?? botLogin?.() });
    },
  };
}

export class CallBudgetExceededError extends AppError {
  constructor(max: number) {
    super("github/api", `more than ${max} GitHub API calls in one run`, {
      userMessage: `The run needed more than ${max} GitHub API calls and was stopped to protect the installation's API quota.`,
    });
  }
}

export interface ProbotClientFactoryOptions {
  observe?: (call: ObservedCall) => void;
  now?: () => number;
  /** The app's login as resolved at start-up (read per port, so a later resolution applies): the default of `forRepo`. */
  botLogin?: () => string | undefined;
}

const REFRESH_MARGIN_MS = 5 * 60_000;
const MAX_CACHED_TOKENS = 500;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** The body of `POST /app/installations/{id}/access_tokens` for a scope. */
export function tokenRequestBody(scope: TokenScope | GitTokenScope): { repository_ids?: number[]; permissions: TokenPermissions } {
  return { ...(scope.repositoryIds === "all" ? {} : { repository_ids: [...scope.repositoryIds] }), permissions: { ...scope.permissions } };
}

/**
 * A route for metrics labels: templates stay as they are; concrete paths (pagination's follow-up
 * requests) lose owner, repository, ids and queries, so the label set stays small.
 */
export function endpointLabel(method: string, url: string): string {
  let path = url.split("?")[0] ?? url;
  if (!path.includes("{")) {
    try {
      path = new URL(path, "http://localhost").pathname;
    } catch {
      path = "(unparsed)";
    }
    path = path
      .replace(/^\/api\/v3/, "")
      .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
      .replace(/\/\d+(?=\/|$)/g, "/{id}");
  }
  return `${method.toUpperCase()} ${path}`;
}

export function createProbotClientFactory(probot: Pick<Probot, "auth">, options: ProbotClientFactoryOptions = {}): GitHubClientFactory {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Promise<CachedToken>>();

  // Minted through the app's own Octokit, which carries the GHE base URL: an explicit
  // `octokit.auth({ type: "installation" })` uses auth-app's internal request, which Probot builds
  // without baseUrl, so on GitHub Enterprise it would ask api.github.com.
  const mint = async (installationId: number, scope: TokenScope | GitTokenScope): Promise<CachedToken> => {
    const app = await probot.auth();
    const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: installationId,
      ...tokenRequestBody(scope),
    });
    return { token: data.token, expiresAt: Date.parse(data.expires_at) || now() + 3600_000 };
  };

  const token = async (installationId: number, scope: TokenScope | GitTokenScope): Promise<string> => {
    const key = `${installationId}:${JSON.stringify(tokenRequestBody(scope))}`;
    const hit = cache.get(key);
    if (hit) {
      const cached = await hit.catch(() => null);
      if (cached && cached.expiresAt - now() > REFRESH_MARGIN_MS) return cached.token;
      if (cache.get(key) !== hit) return token(installationId, scope);
    }
    const fresh = mint(installationId, scope);
    cache.delete(key);
    cache.set(key, fresh);
    while (cache.size > MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value as string);
    fresh.catch(() => cache.delete(key));
    return (await fresh).token;
  };

  return withRepoPorts(
    {
      async forInstallation(installationId, scope, clientOptions = {}) {
        const app = await probot.auth();
        const Octokit = app.constructor as new (options: Record<string, unknown>) => GitHubClient;
        const octokit = new Octokit({
          authStrategy: () => {
            const auth = async () => ({ type: "token", tokenType: "installation", token: await token(installationId, scope) });
            const hook = async (request: RequestFn, route: unknown, parameters?: Record<string, unknown>) => {
              const endpoint = request.endpoint.merge(route as string, parameters);
              endpoint.headers.authorization = `token ${await token(installationId, scope)}`;
              return request(endpoint as unknown as Parameters<RequestFn>[0]);
            };
            return Object.assign(auth, { hook });
          },
        });
        watch(octokit, installationId, options.observe, clientOptions.budget);
        return octokit;
      },
      installationToken: (installationId, scope) => token(installationId, scope),
    },
    options.botLogin,
  );
}

type RequestFn = GitHubClient["request"];

/** Count calls (and refuse those over the budget) and report each answer's route and quota. */
function watch(octokit: GitHubClient, installationId: number, observe: ((call: ObservedCall) => void) | undefined, budget: CallBudget | undefined): void {
  octokit.hook.wrap("request", async (request, options) => {
    if (budget && ++budget.used > budget.max) throw new CallBudgetExceededError(budget.max);
    const endpoint = endpointLabel(options.method, options.url);
    try {
      const response = await request(options);
      observe?.({ installationId, endpoint, status: response.status, ...quotaOf(response.headers) });
      return response;
    } catch (error) {
      const failed = error as { status?: number; response?: { headers?: Record<string, unknown> } };
      observe?.({ installationId, endpoint, status: typeof failed.status === "number" ? failed.status : 0, ...quotaOf(failed.response?.headers ?? {}) });
      throw error;
    }
  });
}

function quotaOf(headers: Record<string, unknown>): { remaining?: number; limit?: number; resetAt?: number } {
  const number = (name: string): number | undefined => {
    const value = headers[name];
    const n = Number(value);
    return value === undefined || value === null || value === "" || !Number.isFinite(n) ? undefined : n;
  };
  const remaining = number("x-ratelimit-remaining");
  const limit = number("x-ratelimit-limit");
  const reset = number("x-ratelimit-reset");
  return {
    ...(remaining !== undefined ? { remaining } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(reset !== undefined ? { resetAt: reset * 1000 } : {}),
  };
}
