/**
 * The JSON a handler enqueues and a task reads back, validated on both sides: a job may sit in a
 * durable queue across a deploy, so the task parses instead of trusting a cast.
 */
import { z } from "zod";
import type { JsonValue } from "../jobs/types.js";

const statusRef = z.discriminatedUnion("type", [
  z.object({ type: z.literal("issue"), number: z.number().int(), commentId: z.number().int() }),
  z.object({ type: z.literal("review-thread"), pullNumber: z.number().int(), inReplyTo: z.number().int(), commentId: z.number().int() }),
]);

const common = {
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  repoId: z.number().int(),
  /** payload.repository.clone_url: never built from a hard-coded host. */
  cloneUrl: z.string().url(),
  requester: z.object({ login: z.string(), id: z.number().int() }),
  /** ISO time of the trigger: later edits and comments are not used (THREATS A5). */
  triggerAt: z.string(),
  instruction: z.string().default(""),
  status: statusRef,
  /** A model picked for this run (allowlisted by the handler; the task frame checks again). */
  model: z.string().optional(),
};

export const resolveIssuePayloadSchema = z.object({
  ...common,
  issueNumber: z.number().int(),
  defaultBranch: z.string(),
  /**
   * Title and body as the webhook delivered them at trigger time: the task uses these rather than
   * re-reading, so an edit made after a maintainer triggered the run cannot inject text (THREATS A5).
   */
  issueSnapshot: z.object({ title: z.string(), body: z.string() }).optional(),
  /** Removed when the run starts, so toggling the label cannot queue a pile of runs. */
  removeLabel: z.string().optional(),
});

export const fixPrPayloadSchema = z.object({
  ...common,
  prNumber: z.number().int(),
  /** The PR description at trigger time (later edits are not the request, THREATS A5). */
  prSnapshot: z.object({ body: z.string() }).optional(),
  /** Set for a review-comment trigger: the run is scoped to that thread. */
  reviewCommentId: z.number().int().optional(),
  /** Set for an autofix run: the failing check and its output. */
  checkRun: z.object({ name: z.string(), summary: z.string(), headSha: z.string(), actionsJobId: z.number().int().optional() }).optional(),
});

const MAX_SNAPSHOT_BODY = 60_000;

export function issueSnapshotOf(issue: { title: string; body?: string | null }): { title: string; body: string } {
  return { title: issue.title, body: (issue.body ?? "").slice(0, MAX_SNAPSHOT_BODY) };
}

export type StatusRef = z.infer<typeof statusRef>;
export type ResolveIssuePayload = z.infer<typeof resolveIssuePayloadSchema>;
export type FixPrPayload = z.infer<typeof fixPrPayloadSchema>;

/** Payloads are plain JSON by construction; the cast only forgets the precise shape. */
export function toJobPayload(payload: ResolveIssuePayload | FixPrPayload): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(payload)) as { [key: string]: JsonValue };
}

export function jobKey(owner: string, repo: string, number: number): string {
  return `${owner}/${repo}#${number}`.toLowerCase();
}
