import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { getUnresolvedThreads } from "../../../src/github/get-pull-request-context.js";
import { AppError } from "../../../src/shared/errors.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";

const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))();
const params = {
  owner: "o",
  repo: "r",
  number: 1,
  triggerAt: "2024-01-01T12:00:00Z",
  minPermission: "write" as const,
  permissionOf: async () => "write" as const,
  appSlug: "issue-agent",
};
const comment = (body: string, extra: Record<string, unknown> = {}) => ({
  body,
  createdAt: "2024-01-01T10:00:00Z",
  lastEditedAt: null,
  author: { login: "maintainer", __typename: "User" },
  ...extra,
});
const threadsPage = (nodes: unknown, pageInfo: unknown = { hasNextPage: false, endCursor: null }) => ({
  data: { repository: { pullRequest: { reviewThreads: { pageInfo, nodes } } } },
});

let gh: GitHubMock | undefined;
afterEach(() => {
  gh?.stop();
  gh = undefined;
});

describe("getUnresolvedThreads", () => {
  it("reads every page of threads and every page of a long thread's comments", async () => {
    gh = mockGitHub();
    gh.on("POST", "/graphql")
      .withBody((b) => b.variables.after === null && "number" in b.variables)
      .reply(
        200,
        threadsPage(
          [
            {
              id: "T1",
              isResolved: false,
              path: "a.ts",
              line: 1,
              comments: { pageInfo: { hasNextPage: true, endCursor: "k1" }, nodes: [comment("first page")] },
            },
          ],
          { hasNextPage: true, endCursor: "p1" },
        ),
      );
    gh.on("POST", "/graphql")
      .withBody((b) => b.variables.after === "p1")
      .reply(200, threadsPage([{ id: "T2", isResolved: false, path: "b.ts", line: 2, comments: { nodes: [comment("THREAD-ON-PAGE-TWO")] } }]));
    gh.on("POST", "/graphql")
      .withBody((b) => b.variables.id === "T1" && b.variables.after === "k1")
      .reply(200, { data: { node: { comments: { pageInfo: { hasNextPage: false }, nodes: [comment("COMMENT-ON-PAGE-TWO")] } } } });
    const threads = await getUnresolvedThreads(octokit, params);
    gh.assertDone();
    expect(threads.map((t) => [t.path, t.comments.map((c) => c.body.text)])).toEqual([
      ["a.ts", ["first page", "COMMENT-ON-PAGE-TWO"]],
      ["b.ts", ["THREAD-ON-PAGE-TWO"]],
    ]);
  });

  it.each([
    ["a null repository", { data: { repository: null } }],
    ["a null pull request", { data: { repository: { pullRequest: null } } }],
    ["null thread nodes", threadsPage(null)],
    ["a null thread", threadsPage([null])],
    ["a null comment list", threadsPage([{ id: "T", isResolved: false, path: "a.ts", line: 1, comments: null }])],
    ["null comment nodes", threadsPage([{ id: "T", isResolved: false, path: "a.ts", line: 1, comments: { nodes: null } }])],
    [
      "a null comment and a comment without author or date",
      threadsPage([
        {
          id: "T",
          isResolved: false,
          path: "a.ts",
          line: 1,
          comments: { nodes: [null, comment("ghost", { author: null }), comment("undated", { createdAt: null })] },
        },
      ]),
    ],
  ])("tolerates %s", async (_what, answer) => {
    gh = mockGitHub();
    gh.on("POST", "/graphql").reply(200, answer);
    expect(await getUnresolvedThreads(octokit, params)).toEqual([]);
  });

  it("turns GraphQL errors and HTTP failures into a typed GitHub error", async () => {
    gh = mockGitHub();
    gh.on("POST", "/graphql").reply(200, { data: null, errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }] });
    await expect(getUnresolvedThreads(octokit, params)).rejects.toMatchObject({ code: "github/api" });
    gh.stop();
    gh = mockGitHub();
    gh.on("POST", "/graphql").reply(502, { message: "Bad gateway" });
    await expect(getUnresolvedThreads(octokit, params)).rejects.toBeInstanceOf(AppError);
  });
});
