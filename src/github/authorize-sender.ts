/**
 * Who may start work: decided before anything is spent (THREATS A1–A4).
 * - the app's own events are dropped silently (no loops);
 * - bots are dropped silently unless `trigger.allowedBots` lists them AND the sender really is a
 *   Bot account (a User named like an allowed bot still goes through the permission check);
 * - everyone else needs at least the configured permission, from the collaborator API.
 */
import type { PermissionLevel } from "../config/env.js";
import type { GitHubClient } from "./octokit.js";
import { getPermission, meetsPermission, type RepoPermission } from "./get-permission.js";

export interface Sender {
  login: string;
  id: number;
  type: string;
}

export type Authorization =
  | { allowed: true; permission: RepoPermission | "allowed-bot" }
  | { allowed: false; reason: "self" | "bot"; silent: true }
  | { allowed: false; reason: "permission"; silent: false; permission: RepoPermission };

export interface AuthorizeParams {
  owner: string;
  repo: string;
  sender: Sender;
  minPermission: PermissionLevel;
  allowedBots: readonly string[];
  /** The app's slug: `<slug>[bot]` is the app itself. */
  appSlug: string | undefined;
}

export function isSelf(sender: Pick<Sender, "login">, appSlug: string | undefined): boolean {
  return Boolean(appSlug) && sender.login.toLowerCase() === `${appSlug}[bot]`.toLowerCase();
}

export async function authorizeSender(octokit: GitHubClient, params: AuthorizeParams): Promise<Authorization> {
  const { sender } = params;
  if (isSelf(sender, params.appSlug)) return { allowed: false, reason: "self", silent: true };
  if (sender.type === "Bot") {
    const listed = params.allowedBots.some((b) => b.toLowerCase() === sender.login.toLowerCase());
    return listed ? { allowed: true, permission: "allowed-bot" } : { allowed: false, reason: "bot", silent: true };
  }
  const permission = await getPermission(octokit, { owner: params.owner, repo: params.repo, username: sender.login });
  if (!meetsPermission(permission, params.minPermission)) return { allowed: false, reason: "permission", silent: false, permission };
  return { allowed: true, permission };
}
