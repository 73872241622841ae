import { describe, expect, it } from "vitest";
import { JOB_KINDS, type JobKind } from "../../../src/jobs/types.js";
import { JOB_SPECS, parseJobPayload, requestJob, statusOfJob, type JobPayloadInput } from "../../../src/tasks/job-payloads.js";

const common = {
  installationId: 42,
  owner: "Octo",
  repo: "App",
  repoId: 7,
  cloneUrl: "https://github.com/Octo/App.git",
  requester: { login: "alice", id: 1 },
  triggerAt: "2026-01-01T00:00:00Z",
};

const samples: { [K in JobKind]: { payload: JobPayloadInput<K>; key: string; status: unknown } } = {
  "resolve-issue": {
    payload: { ...common, issueNumber: 12, defaultBranch: "main", status: { type: "issue", number: 12, commentId: 900 } },
    key: "octo/app#12",
    status: { target: { type: "issue", owner: "Octo", repo: "App", number: 12 }, commentId: 900, installationId: 42, repoId: 7, title: "resolving the issue" },
  },
  "fix-pr": {
    payload: { ...common, prNumber: 5, reviewCommentId: 33, status: { type: "review-thread", pullNumber: 5, inReplyTo: 33, commentId: 901 } },
    key: "octo/app#5",
    status: {
      target: { type: "review-thread", owner: "Octo", repo: "App", pullNumber: 5, inReplyTo: 33 },
      commentId: 901,
      installationId: 42,
      repoId: 7,
      title: "fixing the pull request",
    },
  },
  "security-review": {
    payload: {
      installationId: 42,
      owner: "Octo",
      repo: "App",
      prNumber: 5,
      headSha: "a".repeat(40),
      trigger: "synchronize",
      requester: { login: "bob", id: 2 },
    },
    key: "octo/app#5",
    status: null,
  },
};

describe("the job registry", () => {
  it("declares every job kind", () => {
    expect(Object.keys(JOB_SPECS).sort()).toEqual([...JOB_KINDS].sort());
  });

  it.each(JOB_KINDS.map((k) => [k]))("%s round-trips payload -> request -> key -> parsed payload -> status target", (kind) => {
    const sample = samples[kind];
    const request = requestJob(kind, sample.payload as never, "delivery-1");
    expect(request).toMatchObject({ kind, key: sample.key, deliveryId: "delivery-1" });
    // The queue stores JSON: what comes back parses to the same payload (defaults filled in).
    const parsed = parseJobPayload(kind, JSON.parse(JSON.stringify(request.payload)));
    expect(parsed).toMatchObject(sample.payload as object);
    expect(statusOfJob(kind, request.payload)).toEqual(sample.status);
  });

  it("asks the queue to keep only the newest waiting security review per PR", () => {
    expect(requestJob("security-review", samples["security-review"].payload, "d").replaceQueued).toBe(true);
    expect(requestJob("fix-pr", samples["fix-pr"].payload, "d").replaceQueued).toBeUndefined();
  });

  it("refuses a payload that does not fit its kind, before anything is queued", () => {
    expect(() => requestJob("fix-pr", { ...common, issueNumber: 3 } as never, "d")).toThrow();
    expect(statusOfJob("resolve-issue", { nonsense: true })).toBeNull();
  });
});
