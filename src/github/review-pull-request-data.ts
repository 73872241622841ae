/**
 * Reads the security review needs: the PR's changed files (as diff files with RIGHT-side line
 * numbers), the findings already posted inline (by their fingerprint markers), and the previous
 * summary comment. Only the app's own comments count: anyone can paste a marker into a comment,
 * and a forged one must not suppress a finding.
 */
import { diffFilesFromPullFiles, type DiffFile } from "../review/parse-diff.js";
import { parseFindingMarker, parseSummaryMarker, type SummaryMarker } from "../review/review-markers.js";
import type { GitHubClient } from "./octokit.js";
import { toGitHubError } from "./github-errors.js";

export interface PrRef {
  owner: string;
  repo: string;
  number: number;
}

/** Authors whose markers are trusted: the app itself (`<slug>[bot]`), or any Bot when the slug is unknown. */
export function isAppAuthor(user: { login?: string; type?: string } | null | undefined, appSlug: string | undefined): boolean {
  if (!user) return false;
  if (appSlug) return user.login?.toLowerCase() === `${appSlug.toLowerCase()}[bot]`;
  return user.type === "Bot";
}

/**
 * The PR's files, at most `maxFiles` (pages stop there; GitHub itself lists at most 3,000). GitHub
 * omits `patch` for binary and very large files.
 */
export async function listPullRequestDiffFiles(octokit: GitHubClient, ref: PrRef, maxFiles = 3000): Promise<DiffFile[]> {
  try {
    let listed = 0;
    const all = await octokit.paginate(
      octokit.rest.pulls.listFiles,
      { owner: ref.owner, repo: ref.repo, pull_number: ref.number, per_page: 100 },
      (response, done) => {
        listed += response.data.length;
        if (listed >= maxFiles) done();
        return response.data;
      },
    );
    const entries = all.slice(0, maxFiles);
    return diffFilesFromPullFiles(
      entries.map((e) => {
        const entry: { filename: string; status: string; changes: number; patch?: string; previous_filename?: string } = {
          filename: e.filename,
          status: e.status,
          changes: e.changes,
        };
        if (e.patch !== undefined) entry.patch = e.patch;
        if (e.previous_filename !== undefined) entry.previous_filename = e.previous_filename;
        return entry;
      }),
    );
  } catch (error) {
    throw toGitHubError(error, `list the files of pull request #${ref.number}`);
  }
}

/** Fingerprints of findings the app already commented on inline in this PR. */
export async function listPostedFindings(octokit: GitHubClient, ref: PrRef, appSlug: string | undefined): Promise<Set<string>> {
  try {
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      per_page: 100,
    });
    const out = new Set<string>();
    for (const c of comments) {
      if (!isAppAuthor(c.user, appSlug)) continue;
      const marker = parseFindingMarker(c.body);
      if (marker) out.add(marker.fp);
    }
    return out;
  } catch (error) {
    throw toGitHubError(error, `list review comments of pull request #${ref.number}`);
  }
}

export interface SummaryComment {
  id: number;
  marker: SummaryMarker | null;
}

/** The app's summary comment on this PR, if any (the first one, should there be several). */
export async function findSecuritySummary(octokit: GitHubClient, ref: PrRef, appSlug: string | undefined): Promise<SummaryComment | null> {
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: ref.number, per_page: 100 });
    for (const c of comments) {
      if (!isAppAuthor(c.user, appSlug)) continue;
      if (!c.body?.includes("issue-agent:security-summary")) continue;
      return { id: c.id, marker: parseSummaryMarker(c.body) };
    }
    return null;
  } catch (error) {
    throw toGitHubError(error, `list comments of pull request #${ref.number}`);
  }
}
