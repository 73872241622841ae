import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { MODEL_KEY, mockCommonCalls, OWNER, REPO, REPO_PATH, startFlowHarness, TOKEN, type FlowHarness } from "./flow-harness.js";

/** A token committed long ago in the repository: the agent reads it, the transcript must not show it. */
const OLD_PAT = `ghp_${"Zy9Xw8Vu7T".repeat(4)}`;
const FIX = "*** Begin Patch\n*** Update File: src/greet.js\n-export const greet = () => 'helo';\n+export const greet = () => 'hello';\n*** End Patch";

describe("run transcript", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("the pushed commit gets an `issue-agent: run` check run holding every tool call, the edit and the tokens, with no secret; linked from the PR and the status; JSON Lines for the operator", async () => {
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
    const [done] = await h.waitForJobs(1);
    expect(done?.outcome).toBe("succeeded");

    const checks = gh.callsTo("POST", `${REPO_PATH}/check-runs`).map((c) => c.json);
    expect(checks).toHaveLength(1);
    const check = checks[0];
    expect(check).toMatchObject({ name: "issue-agent: run", head_sha: h.gitData.commits[0]?.sha, status: "completed" });
    const output = `${check.output.summary}\n${check.output.text}\n${(check.output.annotations ?? []).map((a: { message: string }) => a.message).join("\n")}`;
    expect(output).toContain("The task as the model saw it");
    // Dollar signs are escaped so GitHub does not render them as math; a person sees "$1.25".
    expect(output).toContain("Model `gpt-5-codex` (\\$1.25 in / \\$10.00 out per 1M tokens)");
    expect(output).toMatch(/`read_file` `src\/greet\.js`/);
    expect(output).toMatch(/`shell` `bash -c cat deploy\/notes\.txt; echo TRANSCRIPT-MARKER-42`/);
    expect(output).toContain("TRANSCRIPT-MARKER-42");
    expect(output).toContain("+export const greet = () => 'hello';"); // the edit as the patch sent
    expect(output).toMatch(/The change as the self-review saw it[\s\S]*-export const greet = \(\) => 'helo';\n\+export const greet = \(\) => 'hello';/);
    expect(output).toMatch(/Turn \d+: [\d,]+ input \/ [\d,]+ output tokens/);
    expect(output).toContain("Changed helo to hello.");
    // Scanned like every other output: no secret of any kind.
    for (const secret of [OLD_PAT, TOKEN, MODEL_KEY]) expect(output).not.toContain(secret);
    expect(output).toContain("[REDACTED");

    const prBody = gh.callsTo("POST", `${REPO_PATH}/pulls`)[0]?.json.body as string;
    expect(prBody).toContain(`[Run transcript](https://github.com/${OWNER}/${REPO}/runs/555)`);
    const status = gh.callsTo("PATCH", /\/issues\/comments\/9101$/).at(-1)?.json.body as string;
    expect(status).toContain(`[Run transcript](https://github.com/${OWNER}/${REPO}/runs/555)`);

    const dir = path.join(h.env.AGENT_DATA_DIR, "transcripts");
    const [file] = readdirSync(dir);
    const jsonl = readFileSync(path.join(dir, file!), "utf8");
    const entries = jsonl
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; name?: string });
    expect(entries.filter((e) => e.type === "tool_call").map((e) => e.name)).toEqual(["read_file", "shell", "apply_patch"]);
    for (const secret of [OLD_PAT, TOKEN, MODEL_KEY]) expect(jsonl).not.toContain(secret);
    gh.assertDone();
  });
});
