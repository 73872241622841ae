import { afterEach, describe, expect, it } from "vitest";
import type { FakeScript } from "../../helpers/fake-model.js";
import { loadWebhook } from "../../helpers/webhook-fixtures.js";
import { mockCommonCalls, OWNER, REPO, REPO_PATH, startFlowHarness, type FlowHarness } from "./flow-harness.js";

const AWS_KEY = "AKIAZ3MHQW7XK2PLN4TB";
const BRANCH = "agent/issue-1-spelling-error-in-the-readme-file";
const patch = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

describe("self-review before the pull request opens", () => {
  let h: FlowHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function runIssue(script: FakeScript, agentYml?: string) {
    h = await startFlowHarness({ files: { "README.md": "# demo\n", "src/db.js": "export const db = {};\n" }, script });
    const { gh } = h;
    gh.on("POST", `${REPO_PATH}/issues/1/comments`).reply(201, (c) => ({ id: 8001, body: c.json.body }));
    gh.on("DELETE", `${REPO_PATH}/issues/1/labels/agent`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/issues/1`).reply(200, {
      number: 1,
      title: "Users",
      body: "Add user lookup.",
      state: "open",
      user: { login: "Codertocat" },
      labels: [],
    });
    gh.on("GET", `${REPO_PATH}/issues/1/comments`).reply(200, []);
    gh.on("GET", `${REPO_PATH}/pulls`).any().reply(200, []);
    gh.on("POST", `${REPO_PATH}/pulls`).reply(201, (c) => ({ number: 9, head: { ref: c.json.head }, html_url: `https://github.com/${OWNER}/${REPO}/pull/9` }));
    gh.on("POST", `${REPO_PATH}/issues/9/assignees`).reply(201, {});
    gh.on("POST", `${REPO_PATH}/pulls/9/requested_reviewers`).reply(201, {});
    if (agentYml) gh.on("GET", `${REPO_PATH}/contents/.github%2Fagent.yml`).any().reply(200, agentYml);
    mockCommonCalls(gh);
    await h.receive("issues", loadWebhook("issues.labeled", { label: { name: "agent" }, repository: { clone_url: h.cloneUrl, default_branch: "main" } }));
    const [done] = await h.waitForJobs(1);
    const status = gh.callsTo("PATCH", /\/issues\/comments\/8001$/).at(-1)?.json.body as string;
    const prBody = gh.callsTo("POST", `${REPO_PATH}/pulls`)[0]?.json.body as string | undefined;
    gh.assertDone();
    return { outcome: done?.outcome, status, prBody, harness: h };
  }

  it("a planted AWS key in the agent's change goes back to the agent; the PR opens only after the fix, and the key is never sent anywhere", async () => {
    const { outcome, status, prBody, harness } = await runIssue([
      { toolCalls: [{ name: "apply_patch", arguments: { input: patch(`*** Add File: src/config.js\n+export const key = "${AWS_KEY}";`) } }] },
      { text: "Title: Add config\n\nAdded the config." },
      // The follow-up session: the finding is the task.
      {
        toolCalls: [
          {
            name: "apply_patch",
            arguments: {
              input: patch(`*** Update File: src/config.js\n-export const key = "${AWS_KEY}";\n+export const key = process.env.AWS_ACCESS_KEY_ID;`),
            },
          },
        ],
      },
      { text: "Title: Add config\n\nThe key now comes from the environment." },
    ]);
    expect(outcome).toBe("succeeded");
    const followUp = JSON.stringify(harness.model.requests[2]?.body);
    expect(followUp).toContain("security review of your own diff");
    expect(followUp).toMatch(/AWS access key ID committed/);
    expect(followUp).toContain("src/config.js:1");
    expect(followUp).not.toContain(AWS_KEY); // the finding is masked, even to the agent
    expect(harness.model.requests).toHaveLength(4);

    // One commit, already fixed: the key was never on GitHub.
    expect(harness.gitData.commits).toHaveLength(1);
    expect(harness.git.git(REPO, ["show", `${BRANCH}:src/config.js`])).toContain("process.env.AWS_ACCESS_KEY_ID");
    expect(harness.git.git(REPO, ["log", "-p", "--all"])).not.toContain(AWS_KEY);
    expect(harness.gh.outboundText()).not.toContain(AWS_KEY);
    expect(prBody).toMatch(/## Security self-review[\s\S]*1 finding\(s\) went back to the agent \(1 round\(s\)\)[\s\S]*Nothing remains/);
    expect(status).toMatch(/Self-review[\s\S]*1 finding\(s\) went back to the agent in 1 round\(s\); nothing remains/);
  });

  it("the read-only model review (when enabled) finds a SQL injection; the agent fixes it before the PR opens", async () => {
    const sqli = 'export const findUser = (db, id) => db.query("SELECT * FROM users WHERE id = " + id);';
    const safe = 'export const findUser = (db, id) => db.query("SELECT * FROM users WHERE id = ?", [id]);';
    const finding = {
      path: "src/users.js",
      line: 1,
      severity: "high",
      cwe: "CWE-89",
      title: "SQL injection in findUser",
      explanation: "The id is concatenated into the SQL text; use a parameterised query.",
    };
    const { outcome, prBody, harness } = await runIssue(
      [
        { toolCalls: [{ name: "apply_patch", arguments: { input: patch(`*** Add File: src/users.js\n+${sqli}`) } }] },
        { text: "Title: Add user lookup\n\nAdded findUser." },
        // Self-review, model half (read-only agent with report_finding).
        { toolCalls: [{ name: "report_finding", arguments: finding }] },
        { text: "One finding reported." },
        // Follow-up session.
        { toolCalls: [{ name: "apply_patch", arguments: { input: patch(`*** Update File: src/users.js\n-${sqli}\n+${safe}`) } }] },
        { text: "Title: Add user lookup\n\nfindUser uses a parameterised query." },
        // Second self-review: clean.
        { text: "No findings." },
      ],
      "selfReview:\n  modelReview: true\n",
    );
    expect(outcome).toBe("succeeded");
    const reviewRequest = JSON.stringify(harness.model.requests[2]?.body);
    expect(reviewRequest).toContain("report_finding");
    expect(reviewRequest).not.toMatch(/"name":"apply_patch"/); // the reviewer cannot edit
    expect(JSON.stringify(harness.model.requests[4]?.body)).toContain("SQL injection in findUser");
    expect(harness.model.requests).toHaveLength(7);
    expect(harness.gitData.commits).toHaveLength(1);
    expect(harness.git.git(REPO, ["show", `${BRANCH}:src/users.js`])).toContain('"SELECT * FROM users WHERE id = ?", [id]');
    expect(prBody).toMatch(/Security self-review[\s\S]*Nothing remains/);
  });

  it("findings still there after the last allowed round are listed in the PR body", async () => {
    const { outcome, prBody, harness } = await runIssue(
      [
        {
          toolCalls: [
            {
              name: "apply_patch",
              arguments: { input: patch("*** Add File: src/users.js\n+export const q = (id) => `SELECT * FROM users WHERE id = ${id}`;") },
            },
          ],
        },
        { text: "Title: Add query\n\nAdded q." },
        {
          toolCalls: [
            {
              name: "report_finding",
              arguments: {
                path: "src/users.js",
                line: 1,
                severity: "high",
                cwe: "CWE-89",
                title: "SQL built from input",
                explanation: "Interpolates id into SQL text; parameterise it.",
              },
            },
          ],
        },
        { text: "Reported." },
      ],
      "selfReview:\n  modelReview: true\n  maxRounds: 0\n",
    );
    expect(outcome).toBe("succeeded");
    expect(harness.model.requests).toHaveLength(4);
    expect(prBody).toMatch(/Still there — review these before merging:[\s\S]*\*\*high\*\* `src\/users\.js:1`: SQL built from input \(CWE-89\)/);
  });
});
