/**
 * The `issue-agent/security` check run on the reviewed commit: the findings as annotations (GitHub
 * takes at most 50 per request, so the rest go in follow-up updates) and a conclusion by severity.
 */
import type { GitHubClient } from "./octokit.js";
import { toGitHubError } from "./github-errors.js";

export const SECURITY_CHECK_NAME = "issue-agent/security";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

export interface SecurityCheckParams {
  owner: string;
  repo: string;
  headSha: string;
  conclusion: "success" | "neutral" | "failure";
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
  detailsUrl?: string;
  /** The app's check run of this name on this commit (a retried review): edited instead of a second one. */
  existingId?: number | undefined;
}

const PER_REQUEST = 50;

export async function createSecurityCheckRun(octokit: GitHubClient, params: SecurityCheckParams): Promise<number> {
  const { owner, repo } = params;
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < params.annotations.length; i += PER_REQUEST) batches.push(params.annotations.slice(i, i + PER_REQUEST));
  const output = (annotations: CheckAnnotation[]) => ({ title: params.title, summary: params.summary.slice(0, 65_000), annotations });
  try {
    const first = {
      status: "completed" as const,
      conclusion: params.conclusion,
      completed_at: new Date().toISOString(),
      output: output(batches[0] ?? []),
      ...(params.detailsUrl ? { details_url: params.detailsUrl } : {}),
    };
    const { data } =
      params.existingId !== undefined
        ? await octokit.rest.checks.update({ owner, repo, check_run_id: params.existingId, ...first })
        : await octokit.rest.checks.create({ owner, repo, name: SECURITY_CHECK_NAME, head_sha: params.headSha, ...first });
    for (const batch of batches.slice(1)) await octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: output(batch) });
    return data.id;
  } catch (error) {
    throw toGitHubError(error, "create the security check run");
  }
}
