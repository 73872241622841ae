/**
 * Optional upload of the findings to code scanning (`review.sarif: true`). Needs the App's
 * `security_events: write` permission; GitHub wants the SARIF gzipped and base64-encoded.
 */
import { gzipSync } from "node:zlib";
import type { GitHubClient } from "./octokit.js";
import { toGitHubError } from "./github-errors.js";

export async function uploadReviewSarif(
  octokit: GitHubClient,
  params: { owner: string; repo: string; commitSha: string; ref: string; sarif: string },
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.codeScanning.uploadSarif({
      owner: params.owner,
      repo: params.repo,
      commit_sha: params.commitSha,
      ref: params.ref,
      sarif: gzipSync(Buffer.from(params.sarif, "utf8")).toString("base64"),
      tool_name: "issue-agent",
    });
    return data.id;
  } catch (error) {
    throw toGitHubError(error, "upload SARIF to code scanning");
  }
}
