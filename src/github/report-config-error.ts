/**
 * An invalid `.github/agent.yml` must never be silently ignored: the task that loaded it calls
 * `reportConfigError`, which keeps exactly ONE comment on the issue or PR naming the file, each key
 * path and its problem. The comment carries a hidden marker, so a redelivered webhook or a second
 * trigger edits (or leaves) that comment instead of posting another.
 */
import { REPO_CONFIG_PATH, RepoConfigError } from "../config/parse-repo-config.js";
import type { ConfigError } from "../shared/errors.js";
import type { GitHubClient } from "./octokit.js";
import { fenceFor, neutralizeClosingKeywords, neutralizeMentions, outboundCode } from "../shared/format-outbound.js";
import { redactSecrets } from "../shared/redact.js";
import { toGitHubError } from "./github-errors.js";

export const CONFIG_ERROR_MARKER = "<!-- issue-agent:config-error -->";

export interface ReportConfigErrorParams {
  owner: string;
  repo: string;
  /** Issue or pull request number (PR conversations are issues to the comments API). */
  issueNumber: number;
  error: ConfigError;
  /** The app's own login: when known, only its comment is edited (else any Bot's, as before). */
  botLogin?: string | undefined;
}

export interface ReportConfigErrorResult {
  commentId: number;
  action: "created" | "updated" | "unchanged";
}

/**
 * The comment body: the problems (which quote the repository's YAML) redacted, in a fence they
 * cannot break out of, mentions and closing keywords broken anyway; file names as code spans that cannot end early.
 */
export function renderConfigErrorBody(error: ConfigError): string {
  const files = error instanceof RepoConfigError && error.files.length > 0 ? error.files : [REPO_CONFIG_PATH];
  const problems = neutralizeMentions(
    neutralizeClosingKeywords(redactSecrets((error.issues.length > 0 ? error.issues.join("\n") : error.message).slice(0, 20_000))),
  );
  const fence = fenceFor(problems);
  const text = [
    `**issue-agent did not start: the configuration in ${files.map((f) => outboundCode(f)).join(" + ")} is invalid.**`,
    "",
    "Each line names a key path and what is wrong with it:",
    "",
    `${fence}text`,
    problems,
    fence,
    "",
    "Fix the file on the default branch, then trigger the agent again. The keys and their defaults are listed in the app's README.",
  ].join("\n");
  return `${text}\n\n${CONFIG_ERROR_MARKER}`;
}

/** Create the config-error comment, update it if the problems changed, or leave it alone. */
export async function reportConfigError(octokit: GitHubClient, params: ReportConfigErrorParams): Promise<ReportConfigErrorResult> {
  const { owner, repo, issueNumber } = params;
  const body = renderConfigErrorBody(params.error);
  try {
    const existing = await findConfigErrorComment(octokit, owner, repo, issueNumber, params.botLogin);
    if (existing && existing.body === body) return { commentId: existing.id, action: "unchanged" };
    if (existing) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { commentId: existing.id, action: "updated" };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { commentId: data.id, action: "created" };
  } catch (error) {
    throw toGitHubError(error, "report the invalid configuration");
  }
}

/**
 * Only the app's comment counts (any bot's while the app's login is unknown): a user pasting the
 * marker must not make us edit their comment.
 */
async function findConfigErrorComment(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  issueNumber: number,
  botLogin: string | undefined,
): Promise<{ id: number; body: string } | null> {
  const own = (user: { login: string; type?: string } | null | undefined): boolean =>
    botLogin ? user?.login.toLowerCase() === botLogin.toLowerCase() : user?.type === "Bot";
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  for await (const page of pages) {
    const found = page.data.find((c) => own(c.user) && c.body?.includes(CONFIG_ERROR_MARKER));
    if (found) return { id: found.id, body: found.body ?? "" };
  }
  return null;
}
