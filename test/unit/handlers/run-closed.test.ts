import pino from "pino";
import { ProbotOctokit, type Context } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { handleRunClosed } from "../../../src/handlers/run-closed.js";
import type { CancelFilter, JobQueue } from "../../../src/jobs/types.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();
const env = parseEnv({ APP_SLUG: "issue-agent" });
const repository = { name: "Hello-World", owner: { login: "Octo" } };

/** A queue holding one maintainer run (requester 1) on every key, recording what was cancelled. */
function queueSpy(pending = 1) {
  const calls: { key: string; filter?: CancelFilter }[] = [];
  const queue = {
    pending: async () => pending,
    cancel: async (key: string, filter?: CancelFilter) => {
      calls.push(filter ? { key, filter } : { key });
      return filter && filter.requesterId !== 1 ? 0 : pending;
    },
  } as unknown as JobQueue; // only pending and cancel are used
  return { queue, calls };
}

function closed(kind: "issue" | "pull_request", number: number, sender: { login: string; id: number; type?: string }) {
  const payload = {
    action: "closed",
    repository,
    sender: { type: "User", ...sender },
    ...(kind === "issue" ? { issue: { number } } : { pull_request: { number } }),
  };
  return { id: `d-${number}`, octokit, log: pino({ level: "silent" }), payload } as unknown as Context<"issues.closed">;
}

let gh: GitHubMock | undefined;
function github(permissions: Record<string, "admin" | "write" | "read" | "none">): GitHubMock {
  gh = mockGitHub();
  gh.on("GET", /\/contents\//)
    .any()
    .reply(404, { message: "Not Found" });
  for (const [login, role] of Object.entries(permissions)) gh.permission("Octo", "Hello-World", login, role);
  return gh;
}

afterEach(() => {
  gh?.stop();
  gh = undefined;
});

describe("closing an issue or a pull request", () => {
  it("cancels every run of that issue when the closer may trigger runs", async () => {
    github({ maintainer: "write" });
    const { queue, calls } = queueSpy();
    await handleRunClosed({ env, queue })(closed("issue", 7, { login: "maintainer", id: 1 }));
    expect(calls).toEqual([{ key: "octo/hello-world#7" }]);
  });

  it("by a non-writer (the issue's author) cancels only the runs they started, not a maintainer's", async () => {
    github({ author: "read" });
    const { queue, calls } = queueSpy();
    await handleRunClosed({ env, queue })(closed("issue", 7, { login: "author", id: 2 }));
    expect(calls).toEqual([{ key: "octo/hello-world#7", filter: { requesterId: 2 } }]);
  });

  it("uses the same key as fix-pr and review jobs for a pull request", async () => {
    github({ "outsider-pr-author": "none" });
    const { queue, calls } = queueSpy();
    await handleRunClosed({ env, queue })(closed("pull_request", 12, { login: "outsider-pr-author", id: 3 }));
    expect(calls).toEqual([{ key: "octo/hello-world#12", filter: { requesterId: 3 } }]);
  });

  it("makes no API call when nothing is queued or running", async () => {
    const mock = github({});
    const { queue, calls } = queueSpy(0);
    await handleRunClosed({ env, queue })(closed("issue", 9, { login: "anyone", id: 4 }));
    expect(calls).toEqual([]);
    expect(mock.calls).toEqual([]);
  });
});
