/**
 * The `issue-agent: run` check run on the commit a run pushed: its output is the run transcript
 * (laid out by tasks/render-transcript.ts within GitHub's limits). Overflow parts go as notice
 * annotations on one changed file, 50 per request as GitHub requires. The text is posted through
 * formatOutbound (secrets redacted again, mentions and closing keywords neutralised).
 */
import type { GitHubClient } from "./octokit.js";
import { formatOutbound } from "../shared/format-outbound.js";
import { toGitHubError } from "./github-errors.js";

export const RUN_CHECK_NAME = "issue-agent: run";

export interface RunCheckParams {
  owner: string;
  repo: string;
  headSha: string;
  conclusion: "success" | "neutral" | "failure";
  title: string;
  summary: string;
  text: string;
  /** Overflow parts of the transcript, each within an annotation's size limit. */
  parts: string[];
  /** A file of the commit to hang the overflow annotations on (GitHub requires a path). */
  annotationPath: string | undefined;
  secrets: readonly string[];
  /** The app's transcript check run on this commit (a retried run): edited instead of a second one. */
  existingId?: number | undefined;
}

const PER_REQUEST = 50;

export async function createRunCheck(octokit: Pick<GitHubClient, "rest">, p: RunCheckParams): Promise<{ id: number; url: string }> {
  const out = (text: string): string => formatOutbound(text, { secrets: p.secrets });
  const annotations = p.annotationPath
    ? p.parts.map((message, k) => ({
        path: p.annotationPath!,
        start_line: 1,
        end_line: 1,
        annotation_level: "notice" as const,
        title: `Run transcript, part ${k + 1} of ${p.parts.length}`,
        message: out(message),
      }))
    : [];
  const output = (batch: typeof annotations) => ({ title: p.title.slice(0, 250), summary: out(p.summary), text: out(p.text), annotations: batch });
  try {
    const first = {
      status: "completed" as const,
      conclusion: p.conclusion,
      completed_at: new Date().toISOString(),
      output: output(annotations.slice(0, PER_REQUEST)),
    };
    const { data } =
      p.existingId !== undefined
        ? await octokit.rest.checks.update({ owner: p.owner, repo: p.repo, check_run_id: p.existingId, ...first })
        : await octokit.rest.checks.create({ owner: p.owner, repo: p.repo, name: RUN_CHECK_NAME, head_sha: p.headSha, ...first });
    for (let i = PER_REQUEST; i < annotations.length; i += PER_REQUEST) {
      await octokit.rest.checks.update({ owner: p.owner, repo: p.repo, check_run_id: data.id, output: output(annotations.slice(i, i + PER_REQUEST)) });
    }
    return { id: data.id, url: data.html_url ?? "" };
  } catch (error) {
    throw toGitHubError(error, "create the run transcript check run");
  }
}
