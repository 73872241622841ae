/**
 * Who the app is on GitHub, asked once at start-up: `GET /app` (authenticated as the app) gives
 * its slug, so the bot's login is `<slug>[bot]`: the commit author, how the app recognises its own
 * comments, PRs and check runs (autofix only follows the app's own PRs). `APP_SLUG` is only an
 * override for when GitHub cannot be asked (air-gapped tests, a proxy that hides /app).
 *
 * When GitHub cannot be reached at start-up, the app goes on and asks again in the background
 * until it knows; until then it does not recognise its own comments and autofix stays off, which
 * is logged once with the fix.
 */
import type { Logger } from "pino";
import type { Probot } from "probot";

export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
  /** `<slug>[bot]`. */
  botLogin: string;
  htmlUrl: string | undefined;
}

export async function getAppIdentity(probot: Pick<Probot, "auth">): Promise<AppIdentity> {
  const octokit = await probot.auth();
  const { data } = await octokit.request("GET /app");
  if (!data?.slug) throw new Error("GET /app returned no slug");
  return { id: data.id, slug: data.slug, name: data.name, botLogin: `${data.slug}[bot]`, htmlUrl: data.html_url };
}

export interface ResolveAppSlugOptions {
  probot: Pick<Probot, "auth">;
  log: Logger;
  /** APP_SLUG from the environment: used as is when set. */
  override: string | undefined;
  /** Called with the slug once it is known (at once, or later from the background retry). */
  onSlug: (slug: string) => void;
  /** How long the first attempt may hold up start-up (default 5 s). */
  timeoutMs?: number;
  /** Delay between background attempts (default 60 s). */
  retryMs?: number;
}

/**
 * Resolve the slug once: the override, else `GET /app` (first attempt awaited with a timeout, then
 * in the background). Returns a function that stops the background attempts.
 */
export async function resolveAppSlug(options: ResolveAppSlugOptions): Promise<() => void> {
  const { log, override } = options;
  if (override) {
    log.info({ appSlug: override, source: "APP_SLUG" }, `app identity: ${override}[bot] (APP_SLUG)`);
    options.onSlug(override);
    return () => undefined;
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastError = "";
  const attempt = async (): Promise<boolean> => {
    try {
      const identity = await withTimeout(getAppIdentity(options.probot), options.timeoutMs ?? 5000);
      options.onSlug(identity.slug);
      log.info({ appSlug: identity.slug, appId: identity.id, appName: identity.name, source: "GET /app" }, `app identity: ${identity.botLogin}`);
      return true;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      return false;
    }
  };
  if (await attempt()) return () => undefined;
  log.error(
    { source: "GET /app", error: lastError },
    "could not learn the app's slug from GitHub (GET /app): until it is known the app does not recognise its own comments and autofix is off. Fix: check APP_ID, the private key and that GitHub (or GHE_HOST) is reachable, or set APP_SLUG; retrying every minute",
  );
  const retry = () => {
    timer = setTimeout(() => {
      void attempt().then((ok) => {
        if (!ok && !stopped) retry();
      });
    }, options.retryMs ?? 60_000);
    timer.unref?.();
  };
  retry();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
