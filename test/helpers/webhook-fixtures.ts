/**
 * Real webhook payloads (from @octokit/webhooks-examples, see fixtures/webhooks/extract.mjs), typed
 * by event, with deep overrides for what a test cares about, and signed deliveries for HTTP tests:
 *
 *   const payload = loadWebhook("issues.labeled", { label: { name: "agent" } });
 *   const delivery = await signDelivery("issues", payload, "secret");
 *   await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import type { Context } from "probot";

/** Every fixture carries this installation id (patched in where the example had none). */
export const FIXTURE_INSTALLATION_ID = 42424242;

interface FixtureEvents {
  "issues.labeled": "issues.labeled";
  "issue_comment.created": "issue_comment.created";
  /** A comment in a pull request's conversation (`issue.pull_request` is set). */
  "issue_comment.created.pull_request": "issue_comment.created";
  "pull_request.opened": "pull_request.opened";
  "pull_request.synchronize": "pull_request.synchronize";
  "pull_request_review_comment.created": "pull_request_review_comment.created";
  "pull_request_review.submitted": "pull_request_review.submitted";
  "check_run.completed": "check_run.completed";
  ping: "ping";
  "installation.created": "installation.created";
  "installation_repositories.added": "installation_repositories.added";
}

export type FixtureName = keyof FixtureEvents;
export type FixturePayload<N extends FixtureName> = Context<FixtureEvents[N]>["payload"];

export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = value === undefined ? out[key] : merge(out[key], value);
  return out;
}

/** A fresh copy of a fixture, with `overrides` deep-merged (arrays replace). */
export function loadWebhook<N extends FixtureName>(name: N, overrides?: DeepPartial<FixturePayload<N>>): FixturePayload<N> {
  const raw: unknown = JSON.parse(readFileSync(new URL(`../../fixtures/webhooks/${name}.json`, import.meta.url), "utf8"));
  return (overrides === undefined ? raw : merge(raw, overrides)) as FixturePayload<N>;
}

export interface SignedDelivery {
  id: string;
  headers: Record<string, string>;
  body: string;
}

/** Headers and body exactly as GitHub sends them, signed with `secret` (X-Hub-Signature-256). */
export async function signDelivery(event: string, payload: unknown, secret: string, id: string = randomUUID()): Promise<SignedDelivery> {
  const body = JSON.stringify(payload);
  return {
    id,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/test",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": await sign(secret, body),
    },
  };
}
