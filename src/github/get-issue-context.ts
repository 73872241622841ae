/**
 * What the agent is told about an issue: title, body and the comments it may see. Comments are
 * kept only when their author meets the trigger permission (Copilot: "comments from users without
 * write access are never presented to the agent"), and only when written and last edited before
 * the trigger (THREATS A5). The app's own comments are left out. Every text is reduced here to what
 * a person sees on GitHub (shared/sanitize.ts), with a record of any hidden content removed.
 */
import type { PermissionLevel } from "../config/env.js";
import { toModelLine, toModelText, type ModelText } from "../shared/sanitize.js";
import type { GitHubClient } from "./octokit.js";
import { meetsPermission, type RepoPermission } from "./get-permission.js";
import { toGitHubError } from "./github-errors.js";
import { isSelf } from "./authorize-sender.js";

export interface ContextComment {
  author: string;
  body: ModelText;
}

export interface IssueContext {
  number: number;
  /** One line, visible characters only. */
  title: string;
  body: ModelText;
  author: string;
  labels: string[];
  comments: ContextComment[];
  /** Image URLs on GitHub's own hosts found in the kept text. */
  images: string[];
  /** How many comments were left out, and why (for logs). */
  omitted: { permission: number; editedAfterTrigger: number };
}

export interface CommentFilter {
  /**
   * GitHub's own time of the trigger (the command comment's `created_at`), never this process's
   * clock: GitHub's timestamps are whole seconds, so only its clock compares fairly with them.
   */
  triggerAt: string;
  minPermission: PermissionLevel;
  permissionOf: (login: string) => Promise<RepoPermission>;
  appSlug: string | undefined;
}

const IMAGE_URL =
  /https:\/\/(?:github\.com\/(?:user-attachments\/assets|[\w.-]+\/[\w.-]+\/assets)\/[\w./-]+|(?:private-)?user-images\.githubusercontent\.com\/[\w./%-]+)/g;

export function findImageUrls(text: string): string[] {
  return [...new Set(text.match(IMAGE_URL) ?? [])].slice(0, 10);
}

export async function filterComments(
  comments: readonly { user: { login: string; type?: string } | null; body?: string | null; created_at: string; updated_at: string }[],
  filter: CommentFilter,
): Promise<{ kept: ContextComment[]; omitted: IssueContext["omitted"] }> {
  // Timestamps are whole seconds: a comment written or edited in the trigger's own second may be
  // later than the trigger, so it is left out too (THREATS A5: fail closed).
  const trigger = Math.floor(Date.parse(filter.triggerAt) / 1000) * 1000;
  const kept: ContextComment[] = [];
  const omitted = { permission: 0, editedAfterTrigger: 0 };
  for (const c of comments) {
    const login = c.user?.login;
    if (!login || !c.body || isSelf({ login }, filter.appSlug)) continue;
    if (!(Date.parse(c.created_at) < trigger) || !(Date.parse(c.updated_at) < trigger)) {
      omitted.editedAfterTrigger += 1;
      continue;
    }
    if (c.user?.type === "Bot" || !meetsPermission(await filter.permissionOf(login), filter.minPermission)) {
      omitted.permission += 1;
      continue;
    }
    const body = toModelText(c.body);
    if (body.text) kept.push({ author: login, body });
  }
  return { kept, omitted };
}

export async function getIssueContext(
  octokit: GitHubClient,
  params: { owner: string; repo: string; number: number; snapshot?: { title: string; body: string } | undefined } & CommentFilter,
): Promise<IssueContext> {
  const { owner, repo, number } = params;
  try {
    const { data: issue } = await octokit.rest.issues.get({ owner, repo, issue_number: number });
    const raw = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const { kept, omitted } = await filterComments(raw, params);
    // The trigger-time snapshot wins over the current text: later edits are not the request.
    const title = toModelLine(params.snapshot?.title ?? issue.title);
    const body = toModelText(params.snapshot?.body ?? issue.body ?? "");
    return {
      number,
      title,
      body,
      author: issue.user?.login ?? "ghost",
      labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
      comments: kept,
      images: findImageUrls([body, ...kept.map((c) => c.body)].flatMap((t) => t.images).join("\n")),
      omitted,
    };
  } catch (error) {
    throw toGitHubError(error, `read issue #${number}`);
  }
}
