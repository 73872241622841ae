/**
 * Closing an issue through the real app function and the durable queue: an issue author without
 * write access who closes the issue does not cancel the maintainer's run; a maintainer who closes
 * it does. (The worker is not started, so the run stays where the close finds it.)
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import { parseEnv } from "../../../src/config/env.js";
import { createProbotClientFactory } from "../../../src/github/client.js";
import { createHandlerTracker } from "../../../src/handlers/handler-tracker.js";
import { EmbeddedQueue } from "../../../src/jobs/embedded-queue.js";
import { createTestProbot } from "../../helpers/test-probot.js";
import { mockGitHub, type GitHubMock } from "../../helpers/mock-github.js";
import { FIXTURE_INSTALLATION_ID, loadWebhook } from "../../helpers/webhook-fixtures.js";

const REPO_PATH = "/repos/Codertocat/Hello-World";
const KEY = "codertocat/hello-world#1";

let dataDir: string | undefined;
let gh: GitHubMock | undefined;
let queue: EmbeddedQueue | undefined;
afterEach(async () => {
  await queue?.close(0);
  gh?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  queue = undefined;
  gh = undefined;
  dataDir = undefined;
});

describe("closing an issue with a run queued", () => {
  it("by its author without write access leaves the maintainer's run; by a maintainer cancels it", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "close-"));
    gh = mockGitHub();
    gh.on("POST", `/app/installations/${FIXTURE_INSTALLATION_ID}/access_tokens`)
      .any()
      .reply(201, { token: "ghs_closeTestToken0123456789abcdefghijklmn", expires_at: new Date(Date.now() + 3600_000).toISOString() });
    gh.on("GET", /\/contents\//)
      .any()
      .reply(404, { message: "Not Found" });
    gh.permission("Codertocat", "Hello-World", "maintainer", "write");
    gh.permission("Codertocat", "Hello-World", "issue-author", "read");
    gh.on("POST", /\/reactions$/)
      .any()
      .reply(201, { id: 1 });
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, { id: 4001 });
    const log = pino({ level: "silent" });
    const env = parseEnv({ APP_SLUG: "issue-agent", AGENT_DATA_DIR: dataDir });
    const probot = createTestProbot(log);
    queue = new EmbeddedQueue({ dataDir, log, concurrency: 1, maxAttempts: 1, graceMs: 1000 });
    const handlers = createHandlerTracker();
    await probot.load(createApp({ env, queue, handlers, github: createProbotClientFactory(probot) }));
    const receive = async (name: string, payload: unknown) => {
      await probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot["receive"]>[0]);
      await handlers.idle();
    };
    const maintainer = { login: "maintainer", id: 101, type: "User" as const };
    const author = { login: "issue-author", id: 202, type: "User" as const };

    await receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, sender: maintainer, issue: { user: author } }));
    expect(await queue.pending(KEY)).toBe(1);

    await receive("issues", { ...loadWebhook("issues.labeled", { issue: { state: "closed", user: author } }), action: "closed", sender: author });
    expect(await queue.pending(KEY)).toBe(1);

    await receive("issues", { ...loadWebhook("issues.labeled", { issue: { state: "closed", user: author } }), action: "closed", sender: maintainer });
    expect(await queue.pending(KEY)).toBe(0);
    gh.assertDone();
  });
});
