/**
 * Load `.github/agent.yml` the way Probot's `context.config()` does (same plugin, so the owner's
 * `.github` repository works as an org-wide fallback and `_extends` is honoured), with the guards a
 * file written by anyone with write access needs (THREATS.md I1, I2, I4):
 *
 * - default branch only: no `branch` is ever passed, so a PR or feature branch cannot change it;
 * - `_extends` may only point at repositories of the same owner (no config from a stranger);
 * - every file is at most 64 KiB, has few YAML aliases, no custom tags, and at most 5 files chain;
 * - files are deep-merged (later files win, arrays replace) and parsed with unknown keys rejected.
 */
import { composeConfigGet } from "@probot/octokit-plugin-config";
import type { ProbotOctokit } from "probot";
import { parseDocument } from "yaml";
import type { RepoConfig } from "./repo-config.js";
import { parseRepoConfig, REPO_CONFIG_PATH, RepoConfigError } from "./parse-repo-config.js";

export const MAX_CONFIG_BYTES = 64 * 1024;
export const MAX_CONFIG_ALIASES = 20;
export const MAX_CONFIG_FILES = 5;

type Octokit = InstanceType<typeof ProbotOctokit>;
type RequestFn = Octokit["request"];

export interface LoadRepoConfigOptions {
  owner: string;
  repo: string;
  /** Defaults to `.github/agent.yml`. */
  path?: string;
}

export interface LoadedRepoConfig {
  config: RepoConfig;
  /** Files that contributed, repository's own first (`owner/repo:path`). Empty: all defaults. */
  files: string[];
}

const PLUGIN_PREFIX = "[@probot/octokit-plugin-config]";

/** Load, merge and validate a repository's agent config. Throws RepoConfigError when invalid. */
export async function loadRepoConfig(octokit: Pick<Octokit, "request">, options: LoadRepoConfigOptions): Promise<LoadedRepoConfig> {
  const path = options.path ?? REPO_CONFIG_PATH;
  const guarded = guardedRequest(octokit.request, options.owner);
  let result: Awaited<ReturnType<typeof composeConfigGet>>;
  try {
    // The plugin only calls `request` and `request.endpoint`; the cast hands it the guarded function.
    result = await composeConfigGet({ request: guarded } as unknown as Parameters<typeof composeConfigGet>[0], {
      owner: options.owner,
      repo: options.repo,
      path,
      defaults: (configs) => configs.reduce<Record<string, unknown>>((merged, next) => deepMerge(merged, next), {}),
    });
  } catch (error) {
    if (error instanceof RepoConfigError) throw error;
    if (error instanceof Error && error.message.startsWith(PLUGIN_PREFIX)) {
      throw new RepoConfigError([`${options.owner}/${options.repo}:${path}`], [`_extends: ${error.message.slice(PLUGIN_PREFIX.length).trim()}`], {
        cause: error,
      });
    }
    throw error;
  }
  const files = result.files.filter((file) => file.config !== null).map((file) => `${file.owner}/${file.repo}:${file.path}`);
  return { config: parseRepoConfig(result.config, files.length > 0 ? files : [path]), files };
}

interface ContentRequest {
  owner?: unknown;
  repo?: unknown;
  path?: unknown;
}

/** Wrap `request` so every config file fetched passes the owner, count, size and YAML checks. */
function guardedRequest(request: RequestFn, owner: string): RequestFn {
  let fetched = 0;
  const guarded = async (route: unknown, parameters?: unknown) => {
    const target = (typeof route === "object" && route !== null ? route : (parameters ?? {})) as ContentRequest;
    const file = `${String(target.owner)}/${String(target.repo)}:${String(target.path)}`;
    if (String(target.owner).toLowerCase() !== owner.toLowerCase()) {
      throw new RepoConfigError(
        [file],
        [`_extends: refers to ${String(target.owner)}/${String(target.repo)}, but only repositories owned by ${owner} may be extended`],
      );
    }
    if (++fetched > MAX_CONFIG_FILES) {
      throw new RepoConfigError([file], [`_extends: more than ${MAX_CONFIG_FILES} files are chained`]);
    }
    // The plugin's call signature is request(endpointOptions); forward exactly what it passed.
    const response = await (request as unknown as (r: unknown, p?: unknown) => Promise<{ data: unknown }>)(route, parameters);
    if (typeof response.data === "string") assertSafeYaml(response.data, file);
    return response;
  };
  return Object.assign(guarded, request) as unknown as RequestFn;
}

/** Size, alias, tag and syntax checks before the plugin parses the file itself. */
function assertSafeYaml(text: string, file: string): void {
  if (Buffer.byteLength(text, "utf8") > MAX_CONFIG_BYTES) {
    throw new RepoConfigError([file], [`(file): is larger than ${MAX_CONFIG_BYTES / 1024} KiB`]);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => `(file): invalid YAML: ${(e.message.split("\n")[0] ?? e.code).replace(/:$/, "")}`);
  if (problems.length > 0) throw new RepoConfigError([file], problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
  } catch (error) {
    throw new RepoConfigError([file], [`(file): ${(error as Error).message}`], { cause: error });
  }
  if (value !== null && value !== undefined && (typeof value !== "object" || Array.isArray(value))) {
    throw new RepoConfigError([file], ["(top level): must be a mapping of keys to values"]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Later values win; objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const previous = out[key];
    const merged = isPlainObject(previous) && isPlainObject(value) ? deepMerge(previous, value) : value;
    // defineProperty: a `__proto__` key stays a plain (and, for the strict schema, unknown) key.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
