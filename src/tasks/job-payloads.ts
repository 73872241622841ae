/**
 * The job request API, the one home of every job kind's payload: its schema, its key and where its
 * status comment is. Handlers build a payload and call `requestJob(kind, payload, deliveryId)`;
 * the task parses it back with the same schema (a job may sit in a durable queue across a deploy,
 * so the task parses instead of trusting a cast). The run functions are in job-registry.ts.
 */
import { z } from "zod";
import type { StatusTarget } from "../github/repo-github.js";
import type { EnqueueRequest, JobKind, JsonValue } from "../jobs/types.js";

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

export const securityReviewPayloadSchema = z.object({
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  prNumber: z.number().int(),
  /** The repository's id: every token of the review is limited to it (absent in jobs queued by older versions). */
  repoId: z.number().int().optional(),
  /** Head commit when the job was queued; the task reviews the head it finds and posts only if it still matches at the end. */
  headSha: z.string(),
  /** What started it: a pull_request action or `command`. */
  trigger: z.string(),
  requester: z.object({ login: z.string(), id: z.number().int() }),
});

export type SecurityReviewPayload = z.infer<typeof securityReviewPayloadSchema>;

/** One running job per issue or PR, whatever its kind: `owner/repo#n`, lower-case. */
export function jobKey(owner: string, repo: string, number: number): string {
  return `${owner}/${repo}#${number}`.toLowerCase();
}

/** The status comment a coding run owns, from its payload. */
export function statusTargetOf(p: { owner: string; repo: string; status: StatusRef }): { target: StatusTarget; commentId: number } {
  const target: StatusTarget =
    p.status.type === "issue"
      ? { type: "issue", owner: p.owner, repo: p.repo, number: p.status.number }
      : { type: "review-thread", owner: p.owner, repo: p.repo, pullNumber: p.status.pullNumber, inReplyTo: p.status.inReplyTo };
  return { target, commentId: p.status.commentId };
}

interface JobSpec<S extends z.ZodType> {
  schema: S;
  key(payload: z.output<S>): string;
  /** The status comment the run owns (null: the kind posts none, e.g. the security review). */
  status(payload: z.output<S>): { target: StatusTarget; commentId: number } | null;
  /** How a status comment names the run when the queue has to end it. */
  title: string;
  /** At most one waits per key: a newer request replaces the queued one (security reviews: a newer head makes the older moot). */
  replaceQueued?: boolean;
}

const spec = <S extends z.ZodType>(s: JobSpec<S>): JobSpec<S> => s;

export const JOB_SPECS = {
  "resolve-issue": spec({
    schema: resolveIssuePayloadSchema,
    key: (p) => jobKey(p.owner, p.repo, p.issueNumber),
    status: statusTargetOf,
    title: "resolving the issue",
  }),
  "fix-pr": spec({ schema: fixPrPayloadSchema, key: (p) => jobKey(p.owner, p.repo, p.prNumber), status: statusTargetOf, title: "fixing the pull request" }),
  "security-review": spec({
    schema: securityReviewPayloadSchema,
    key: (p) => jobKey(p.owner, p.repo, p.prNumber),
    status: () => null,
    title: "reviewing the pull request",
    replaceQueued: true,
  }),
} satisfies { [K in JobKind]: JobSpec<z.ZodType> };

export type JobPayloadInput<K extends JobKind> = z.input<(typeof JOB_SPECS)[K]["schema"]>;
export type JobPayload<K extends JobKind> = z.output<(typeof JOB_SPECS)[K]["schema"]>;

/** Validate a payload against its kind's schema and turn it into the queue's request, key included. */
export function requestJob<K extends JobKind>(
  kind: K,
  payload: JobPayloadInput<K>,
  deliveryId: string,
  options: { maxAttempts?: number } = {},
): EnqueueRequest {
  const jobSpec = JOB_SPECS[kind] as unknown as JobSpec<z.ZodType<JobPayload<K>, JobPayloadInput<K>>>;
  const parsed = jobSpec.schema.parse(payload);
  return {
    kind,
    key: jobSpec.key(parsed),
    deliveryId,
    // Payloads are plain JSON by construction (zod objects of strings, numbers and booleans).
    payload: JSON.parse(JSON.stringify(parsed)) as { [key: string]: JsonValue },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(jobSpec.replaceQueued ? { replaceQueued: true } : {}),
  };
}

/** A queued job's payload, parsed back with its kind's schema (throws on a payload from another version). */
export function parseJobPayload<K extends JobKind>(kind: K, payload: unknown): JobPayload<K> {
  return (JOB_SPECS[kind].schema as unknown as z.ZodType<JobPayload<K>>).parse(payload);
}

/** Where a queued job's status comment is, if it has one and its payload still parses. */
export function statusOfJob(
  kind: JobKind,
  payload: unknown,
): { target: StatusTarget; commentId: number; installationId: number; repoId: number | null; title: string } | null {
  const jobSpec = JOB_SPECS[kind] as unknown as JobSpec<z.ZodType<{ installationId: number; repoId?: number }>>;
  const parsed = jobSpec.schema.safeParse(payload);
  if (!parsed.success) return null;
  const status = jobSpec.status(parsed.data);
  return status ? { ...status, installationId: parsed.data.installationId, repoId: parsed.data.repoId ?? null, title: jobSpec.title } : null;
}
