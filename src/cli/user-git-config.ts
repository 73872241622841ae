/**
 * The few settings the CLI takes from the user's own git config: identity and core.excludesFile.
 * The repository's config is read with includes (git's own parser, hardened runner); the user's
 * files (~/.gitconfig, $XDG_CONFIG_HOME/git/config) only with `--file`, so nothing they include is
 * followed. Reading config never runs anything.
 */
import path from "node:path";
import { CONFIG_TIMEOUT_MS, plumbing } from "./git-plumbing.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The user's own config files, which git would read: only ever read here, with --file (no includes). */
function userConfigFiles(env: Env): string[] {
  const files: string[] = [];
  if (env.XDG_CONFIG_HOME) files.push(path.join(env.XDG_CONFIG_HOME, "git", "config"));
  else if (env.HOME) files.push(path.join(env.HOME, ".config", "git", "config"));
  if (env.HOME) files.push(path.join(env.HOME, ".gitconfig"));
  return files;
}

/** A config value from the repository (includes resolved) or else the user's config files. */
async function readConfigValue(root: string, env: Env, key: string): Promise<string | undefined> {
  for (const file of [undefined, ...userConfigFiles(env).reverse()]) {
    const value = await plumbing(root, file ? ["config", "--file", file, "--get", key] : ["config", "--get", key], CONFIG_TIMEOUT_MS);
    if (value) return value;
  }
  return undefined;
}

/**
 * core.excludesFile as git finds it (default $XDG_CONFIG_HOME/git/ignore): people keep editor and
 * OS files (.idea/, .DS_Store, sometimes .env) there, and those must not look like changes or be
 * committed. Read by the snapshot only as a small regular file.
 */
export async function excludesFile(root: string, env: Env): Promise<string | undefined> {
  const configured = await readConfigValue(root, env, "core.excludesFile");
  if (configured) return configured.startsWith("~/") ? (env.HOME ? path.join(env.HOME, configured.slice(2)) : undefined) : path.resolve(root, configured);
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, "git", "ignore");
  return env.HOME ? path.join(env.HOME, ".config", "git", "ignore") : undefined;
}

/** The user's identity: GIT_AUTHOR_* from the environment, then the repository's and the user's config files (read, never executed). */
export async function resolveIdentity(root: string, env: Env): Promise<{ name: string; email: string }> {
  return {
    name: env.GIT_AUTHOR_NAME || (await readConfigValue(root, env, "user.name")) || "issue-agent",
    email: env.GIT_AUTHOR_EMAIL || (await readConfigValue(root, env, "user.email")) || "issue-agent@localhost",
  };
}
