import pino from "pino";
import { ProbotOctokit, type Context } from "probot";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { handlePullRequestEvent } from "../../../src/handlers/pull-request-event.js";
import type { EnqueueRequest, JobQueue } from "../../../src/jobs/types.js";
import { mockGitHub } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();

function queue(): JobQueue & { requests: EnqueueRequest[] } {
  const requests: EnqueueRequest[] = [];
  return {
    requests,
    enqueue: async (r) => (requests.push(r), { jobId: `j${requests.length}`, status: "enqueued", position: 0 }),
    cancel: async () => 0,
    steer: async () => false,
    hasDelivery: async () => false,
    isRunning: async () => false,
    pending: async () => 0,
    waiting: async () => 0,
    liveJobIds: async () => [],
    startWorker: async () => undefined,
    depth: async () => 0,
    list: async () => ({ running: [], queued: [], finished: [] }),
    probe: async () => ({ ok: true, mode: "embedded", depth: 0 }),
    close: async () => undefined,
  };
}

function context(action: string, over: { draft?: boolean; author?: string } = {}) {
  return {
    id: "delivery-1",
    octokit,
    log: pino({ level: "silent" }),
    payload: {
      action,
      installation: { id: 1 },
      sender: { login: "alice", id: 10 },
      repository: { name: "app", owner: { login: "Octo" } },
      pull_request: { number: 5, state: "open", draft: over.draft ?? false, user: { login: over.author ?? "alice" }, head: { sha: "a".repeat(40) } },
    },
  } as unknown as Context<"pull_request.opened">;
}

async function run(action: string, agentYml: string | null, over: { draft?: boolean; author?: string } = {}) {
  const gh = mockGitHub();
  gh.on("GET", "/repos/Octo/app/contents/.github%2Fagent.yml").reply(agentYml === null ? 404 : 200, agentYml ?? { message: "Not Found" });
  gh.on("GET", "/repos/Octo/.github/contents/.github%2Fagent.yml").any().reply(404, { message: "Not Found" });
  const q = queue();
  await handlePullRequestEvent({ env: parseEnv({ APP_SLUG: "issue-agent" }), queue: q })(context(action, over));
  gh.stop();
  return q.requests;
}

describe("handlePullRequestEvent", () => {
  it("enqueues a security-review job keyed by the PR", async () => {
    const [req, ...rest] = await run("synchronize", null);
    expect(rest).toEqual([]);
    expect(req).toMatchObject({ kind: "security-review", key: "octo/app#5", deliveryId: "delivery-1" });
    expect(req?.payload).toMatchObject({ installationId: 1, owner: "Octo", repo: "app", prNumber: 5, headSha: "a".repeat(40), trigger: "synchronize" });
  });

  it("skips drafts unless review.includeDrafts", async () => {
    expect(await run("opened", null, { draft: true })).toEqual([]);
    expect(await run("opened", "review:\n  includeDrafts: true\n", { draft: true })).toHaveLength(1);
  });

  it("honours review.events, review.enabled and reviewOwnPullRequests", async () => {
    expect(await run("reopened", "review:\n  events: [opened]\n")).toEqual([]);
    expect(await run("opened", "review:\n  enabled: false\n")).toEqual([]);
    expect(await run("opened", null, { author: "issue-agent[bot]" })).toHaveLength(1);
    expect(await run("opened", "review:\n  reviewOwnPullRequests: false\n", { author: "issue-agent[bot]" })).toEqual([]);
  });

  it("skips quietly when the repository config is invalid", async () => {
    expect(await run("opened", "review:\n  bogus: 1\n")).toEqual([]);
  });
});
