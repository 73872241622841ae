/**
 * Where a run's transcript goes: a JSON Lines file per job under
 * `AGENT_DATA_DIR/transcripts/` for the operator (files older than
 * AGENT_TRANSCRIPT_RETENTION_DAYS are removed as new ones are written; 0 writes none), and, when
 * the run pushed a commit, the `issue-agent: run` check run on it, linked from the status comment
 * and the PR body (ensured: a retried run edits the app's check run on the commit instead of adding
 * a second). Publishing a transcript never fails the run: an error is logged and the run's
 * result stands.
 */
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTranscriptRecorder, type TranscriptEntry, type TranscriptRecorder } from "../agent/transcript.js";
import type { RepoGitHub } from "../github/repo-github.js";
import type { JobContext } from "../jobs/types.js";
import { GITHUB_TRANSCRIPT_LIMITS, layoutTranscript } from "./render-transcript.js";
import type { TaskDeps } from "./task-deps.js";

export function startTranscript(deps: Pick<TaskDeps, "env" | "now">, secrets: readonly string[]): TranscriptRecorder {
  const literal = [deps.env.OPENAI_API_KEY, deps.env.WEBHOOK_SECRET].filter((s): s is string => Boolean(s));
  return createTranscriptRecorder({ secrets: () => [...secrets, ...literal], ...(deps.now ? { now: deps.now } : {}) });
}

/** One JSON object per line; the file name is the job id (a UUID from the queue, never user text). */
export async function saveTranscriptLines(
  dataDir: string,
  jobId: string,
  entries: readonly TranscriptEntry[],
  retentionDays: number,
  now = Date.now(),
): Promise<string | null> {
  if (retentionDays <= 0) return null;
  const dir = path.join(dataDir, "transcripts");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${jobId.replace(/[^A-Za-z0-9_-]/g, "_")}.jsonl`);
  await writeFile(file, entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : ""), { mode: 0o600 });
  const cutoff = now - retentionDays * 86_400_000;
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".jsonl")) continue;
    const full = path.join(dir, name);
    const info = await stat(full).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(full, { force: true });
  }
  return file;
}

export interface PublishTranscriptParams {
  deps: Pick<TaskDeps, "env">;
  job: JobContext;
  gh: Pick<RepoGitHub, "ensureRunCheck">;
  recorder: TranscriptRecorder;
  headSha: string;
  /** Files of the commit (the first one that still exists carries overflow annotations). */
  files: readonly { path: string; deleted: boolean }[];
  header: string;
  secrets: readonly string[];
}

/** The check run; returns its URL, or undefined when it could not be created (logged). */
export async function publishTranscriptCheck(p: PublishTranscriptParams): Promise<string | undefined> {
  const annotationPath = p.files.find((f) => !f.deleted)?.path;
  const limits = annotationPath ? GITHUB_TRANSCRIPT_LIMITS : { ...GITHUB_TRANSCRIPT_LIMITS, annotations: 0 };
  const layout = layoutTranscript(p.header, p.recorder.entries, limits);
  try {
    const run = await p.gh.ensureRunCheck({
      headSha: p.headSha,
      conclusion: "neutral",
      title: `Run transcript: ${p.recorder.entries.filter((e) => e.type === "tool_call").length} tool calls`,
      summary: layout.summary,
      text: layout.text,
      parts: layout.parts,
      annotationPath,
      secrets: p.secrets,
    });
    return run.url || undefined;
  } catch (error) {
    p.job.log.warn({ err: error }, "the run transcript check run could not be created");
    return undefined;
  }
}

/** The top of the check run: what ran, on which model, what it cost, and how it ended. */
export function transcriptHeader(h: {
  title: string;
  model: string;
  price?: string | undefined;
  turns: number;
  tokens: number;
  costUsd: number;
  priced: boolean;
  summary: string;
  lines?: string[];
}): string {
  const cost = h.priced ? `$${h.costUsd.toFixed(2)}` : "cost unknown (no price for this model)";
  return [
    `## issue-agent run: ${h.title}`,
    "",
    `Model \`${h.model.replace(/`/g, "'")}\`${h.price ? ` (${h.price})` : ""} · ${h.turns} turns · ${h.tokens.toLocaleString("en-US")} tokens · ${cost}`,
    ...(h.lines ?? []).map((l) => `\n${l}`),
    "",
    "**Summary**",
    "",
    h.summary.trim() || "_No summary._",
    "",
    "---",
    "",
    "Every step of the run follows: the task as the model saw it, each tool call with its arguments and output (head and tail), each edit as the patch sent, tests, plan updates, compactions and tokens and cost per turn. Secrets are redacted.",
  ].join("\n");
}

/**
 * The transcript check run of a run that pushed `commit`: its header says the run's title, model
 * and price (as the status comment shows them), stats, summary and `lines`. Returns its URL.
 */
export async function publishCommitTranscript(
  run: Omit<PublishTranscriptParams, "recorder" | "headSha" | "files" | "header"> & { title: string; model: string; price: string | undefined },
  recorder: TranscriptRecorder,
  commit: { sha: string; keptFiles: readonly string[] },
  outcome: { turns: number; tokens: number; costUsd: number; priced: boolean; summary: string; lines: string[] },
): Promise<string | undefined> {
  return publishTranscriptCheck({
    deps: run.deps,
    job: run.job,
    gh: run.gh,
    secrets: run.secrets,
    recorder,
    headSha: commit.sha,
    files: commit.keptFiles.map((path) => ({ path, deleted: false })),
    header: transcriptHeader({ title: run.title, model: run.model, price: run.price, ...outcome }),
  });
}

export async function saveTranscriptQuietly(deps: Pick<TaskDeps, "env">, job: JobContext, recorder: TranscriptRecorder): Promise<void> {
  try {
    await saveTranscriptLines(deps.env.AGENT_DATA_DIR, job.id, recorder.entries, deps.env.AGENT_TRANSCRIPT_RETENTION_DAYS);
  } catch (error) {
    job.log.warn({ err: error }, "the run transcript file could not be written");
  }
}

/** Run `fn`, then write the transcript file whatever happened (failed and stopped runs too). */
export async function withSavedTranscript<T>(deps: Pick<TaskDeps, "env">, job: JobContext, recorder: TranscriptRecorder, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await saveTranscriptQuietly(deps, job, recorder);
  }
}
