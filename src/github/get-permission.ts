/**
 * A user's effective permission on a repository, from the collaborator-permission API. Never from
 * `author_association`, which misreports read-only collaborators and private org members (A1).
 */
import { PERMISSION_LEVELS, type PermissionLevel } from "../config/env.js";
import type { GitHubClient } from "./octokit.js";
import { isNotFound, toGitHubError } from "./github-errors.js";

export type RepoPermission = PermissionLevel | "none";

export async function getPermission(octokit: GitHubClient, params: { owner: string; repo: string; username: string }): Promise<RepoPermission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel(params);
    // role_name distinguishes maintain/triage; `permission` folds them into write/read.
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    return (PERMISSION_LEVELS as readonly string[]).includes(role) ? (role as PermissionLevel) : "none";
  } catch (error) {
    if (isNotFound(error)) return "none";
    throw toGitHubError(error, "read collaborator permission");
  }
}

export function meetsPermission(actual: RepoPermission, minimum: PermissionLevel): boolean {
  if (actual === "none") return false;
  return PERMISSION_LEVELS.indexOf(actual) >= PERMISSION_LEVELS.indexOf(minimum);
}

/** Cache permissions for the length of one job (many comment authors, one API call each). */
export function createPermissionCache(octokit: GitHubClient, owner: string, repo: string): (username: string) => Promise<RepoPermission> {
  const cache = new Map<string, Promise<RepoPermission>>();
  return (username) => {
    const key = username.toLowerCase();
    let hit = cache.get(key);
    if (!hit) {
      hit = getPermission(octokit, { owner, repo, username });
      cache.set(key, hit);
    }
    return hit;
  };
}
