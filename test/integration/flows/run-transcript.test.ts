import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { MODEL_KEY, mockCommonCalls, OWNER, REPO, REPO_PATH, startFlowHarness, TOKEN, type FlowHarness } from "./flow-harness.js";

/** A token committed long ago in the repository: the agent reads it, the transcript must not show it. */
const OLD_PAT = `ghp_${"Zy9Xw8Vu7T".repeat(4)}`;
const FIX = "*** Begin Patch\n*** Update File: src/greet.js\n-export const greet = () => 'helo';\n+export const greet = () => 'hello';\n*** End Patch";

describe("run transcript: a labelled issue resolved with a read, a shell command and an edit", () => {
  let h: FlowHarness;
  /** The one check run's summary, text and annotation messages. */
  let output = "";
  beforeAll(async () => {
    h = await startFlowHarness({
      files: { "README.md": "# demo\n", "src/greet.js": "export const greet = () => 'helo';\n", "deploy/notes.txt": `old token: ${OLD_PAT}\n` },
      script: [
        { toolCalls: [{ name: "read_file", arguments: { file_path: "src/greet.js" } }] },
        { toolCalls: [{ name: "shell", arguments: { command: ["bash", "-c", "cat deploy/notes.txt; echo TRANSCRIPT-MARKER-42"] } }] },
        { toolCalls: [{ name: "apply_patch", arguments: { input: FIX } }] },
        { text: "Title: Fix the greeting\n\nChanged helo to hello." },
      ],
    });
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 9101, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, { number: 1, title: "Typo", body: "helo", state: "open", user: { login: "Codertocat" }, labels: [] });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    gh.on("POST", `${REPO_PATH}/pulls`).reply(201, (c) => ({ number: 4, head: { ref: c.json.head }, html_url: `https://github.com/${OWNER}/${REPO}/pull/4` }));
    gh.on("POST", `${REPO_PATH}/issues/4/assignees`).reply(201, {});
    gh.on("POST", `${REPO_PATH}/pulls/4/requested_reviewers`).reply(201, {});
    mockCommonCalls(gh);

    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    await h.waitForJobs(1);
    const check = h.gh.callsTo("POST", `${REPO_PATH}/check-runs`)[0]?.json;
    output = `${check?.output?.summary}\n${check?.output?.text}\n${(check?.output?.annotations ?? []).map((a: { message: string }) => a.message).join("\n")}`;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("puts one completed `issue-agent: run` check run on the pushed commit", () => {
    expect(h.finished[0]?.outcome).toBe("succeeded");
    const checks = h.gh.callsTo("POST", `${REPO_PATH}/check-runs`).map((c) => c.json);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: "issue-agent: run", head_sha: h.gitData.commits[0]?.sha, status: "completed" });
  });

  it("shows the task as the model saw it and the model with its prices", () => {
    expect(output).toContain("The task as the model saw it");
    // Dollar signs are escaped so GitHub does not render them as math; a person sees "$1.25".
    expect(output).toContain("Model `gpt-5-codex` (\\$1.25 in / \\$10.00 out per 1M tokens)");
  });

  it("shows every tool call with its output, and the edit as the patch sent it", () => {
    expect(output).toMatch(/`read_file` `src\/greet\.js`/);
    expect(output).toMatch(/`shell` `bash -c cat deploy\/notes\.txt; echo TRANSCRIPT-MARKER-42`/);
    expect(output).toContain("TRANSCRIPT-MARKER-42");
    expect(output).toContain("+export const greet = () => 'hello';");
  });

  it("shows the change as the self-review saw it, the tokens of each turn and the final summary", () => {
    expect(output).toMatch(/The change as the self-review saw it[\s\S]*-export const greet = \(\) => 'helo';\n\+export const greet = \(\) => 'hello';/);
    expect(output).toMatch(/Turn \d+: [\d,]+ input \/ [\d,]+ output tokens/);
    expect(output).toContain("Changed helo to hello.");
  });

  it("redacts every secret the agent saw, as every other output is", () => {
    for (const secret of [OLD_PAT, TOKEN, MODEL_KEY]) expect(output).not.toContain(secret);
    expect(output).toContain("[REDACTED");
  });

  it("is linked from the PR body and the status comment", () => {
    const prBody = h.gh.callsTo("POST", `${REPO_PATH}/pulls`)[0]?.json.body as string;
    expect(prBody).toContain(`[Run transcript](https://github.com/${OWNER}/${REPO}/runs/555)`);
    const status = h.gh.callsTo("PATCH", /\/issues\/comments\/9101$/).at(-1)?.json.body as string;
    expect(status).toContain(`[Run transcript](https://github.com/${OWNER}/${REPO}/runs/555)`);
  });

  it("is written as JSON Lines for the operator, with every tool call and no secret", () => {
    const dir = path.join(h.env.AGENT_DATA_DIR, "transcripts");
    const [file] = readdirSync(dir);
    const jsonl = readFileSync(path.join(dir, file!), "utf8");
    const entries = jsonl
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; name?: string });
    expect(entries.filter((e) => e.type === "tool_call").map((e) => e.name)).toEqual(["read_file", "shell", "apply_patch"]);
    for (const secret of [OLD_PAT, TOKEN, MODEL_KEY]) expect(jsonl).not.toContain(secret);
  });

  it("makes only the expected GitHub calls", () => {
    h.gh.assertDone();
  });
});
