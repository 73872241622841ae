/**
 * The tail of a failed GitHub Actions job's log, for autofix: a check run's `output` is usually
 * empty for Actions, and the failing test's message is at the end of the log. Needs the App's
 * `actions: read`; without it (403) or for a job whose logs expired (404/410) the run goes on
 * with the check's own output, so this returns null instead of failing.
 */
import type { GitHubClient } from "./octokit.js";

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

export async function getActionsJobLogTail(
  octokit: GitHubClient,
  params: { owner: string; repo: string; jobId: number; maxChars?: number },
): Promise<string | null> {
  const maxChars = params.maxChars ?? 12_000;
  let text: string;
  try {
    const { data } = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ owner: params.owner, repo: params.repo, job_id: params.jobId });
    text = typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8");
  } catch {
    return null;
  }
  const lines = text.split(/\r?\n/).map((line) => line.replace(TIMESTAMP, ""));
  const tail: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (size + line.length + 1 > maxChars) break;
    tail.unshift(line);
    size += line.length + 1;
  }
  return tail.join("\n").trim() || null;
}
