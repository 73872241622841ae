/**
 * The security-review job payload, validated on both sides (handlers enqueue it; the task parses
 * it back). Lives in review/ so a handler and the `/agent review` command can build it without
 * importing the task.
 */
import { z } from "zod";
import type { EnqueueRequest, JsonValue } from "../jobs/types.js";

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

/**
 * One job per PR key (`owner/repo#n`, lower-case, as the other PR jobs). At most one review waits
 * per PR: a newer request replaces the one still queued (a newer head makes the older one moot).
 */
export function securityReviewRequest(payload: SecurityReviewPayload, deliveryId: string): EnqueueRequest {
  return {
    kind: "security-review",
    key: `${payload.owner}/${payload.repo}#${payload.prNumber}`.toLowerCase(),
    deliveryId,
    replaceQueued: true,
    payload: JSON.parse(JSON.stringify(securityReviewPayloadSchema.parse(payload))) as { [key: string]: JsonValue },
  };
}
