/**
 * Without APP_ID the app does what Probot users expect: Probot's own setup flow. `run()` serves the
 * page at http://localhost:3000/ that registers a GitHub App from `app.yml` (the manifest flow), or
 * imports an existing one, and writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to `.env`; restart to
 * serve webhooks. Probot's setup module is not exported, so `run()` is the supported way in; it
 * takes the setup branch because no App ID is passed.
 *
 * In development Probot also creates a smee.io channel for webhook forwarding; NODE_ENV=production,
 * WEBHOOK_PROXY_URL or NO_SMEE_SETUP=true skip that. With NODE_ENV=production Probot refuses setup
 * mode and the error is reported as a start-up failure.
 */
import { run, type Logger } from "probot";
import type { Env } from "../config/env.js";
import type { RunningServer } from "./start-server.js";

export async function startSetup(env: Env, log: Logger): Promise<RunningServer> {
  const probotEnv: NodeJS.ProcessEnv = {
    ...process.env,
    APP_ID: "",
    PORT: String(env.PORT),
    HOST: env.HOST,
    WEBHOOK_PATH: env.WEBHOOK_PATH,
    WEBHOOK_PROXY_URL: env.WEBHOOK_PROXY_URL,
  };
  const server = await run(() => undefined, { env: probotEnv, log });
  return {
    get port() {
      return server.port;
    },
    stop: () => server.stop(),
  };
}
