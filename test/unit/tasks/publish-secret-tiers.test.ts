/**
 * The pre-push check and the secret scan's two tiers: the agent's change is scanned by the same
 * scanner the workspace worker uses (the review's findings, placeholder tier included), and the
 * publish step refuses a push for any real-tier finding but not for placeholder-tier ones alone.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_REPO_CONFIG, type EffectiveConfig } from "../../../src/config/repo-config.js";
import { publishChanges } from "../../../src/tasks/publish-changes.js";
import type { SecretHit, TaskDeps } from "../../../src/tasks/task-deps.js";
import { addedLineList } from "../../../src/workspace/prepare-changes.js";
import { prePushScanner } from "../../../src/workspace/pre-push-scanner.js";
import { make } from "../review/secret-samples.js";

/** Publish a change that adds `files`, with the pre-push scanner's hits on their lines; what got pushed and what stopped it. */
async function publish(files: [path: string, content: string][]): Promise<{ hits: SecretHit[]; pushed: number; error?: string }> {
  const scanner = await prePushScanner();
  const hits = (await Promise.all(files.map(([path, content]) => scanner(path, addedLineList("", `${content}\n`))))).flat();
  let pushed = 0;
  const deps = {
    git: {
      inspectChanges: async () => ({ changedFiles: files.map(([p]) => p), refused: [], secretHits: hits, unscanned: [] }),
      commitAll: async () => "c0ffee",
      push: async () => {
        pushed++;
      },
    },
  } as unknown as TaskDeps; // only the members publishChanges uses on the git path
  const config = { ...DEFAULT_REPO_CONFIG, pullRequest: { ...DEFAULT_REPO_CONFIG.pullRequest, commitMethod: "git" } } as EffectiveConfig;
  try {
    await publishChanges({
      deps,
      config,
      dir: "/tmp/unused",
      baseSha: "base",
      pushUrl: "https://github.com/acme/app.git",
      branch: "agent/issue-1",
      expectedRemoteSha: null,
      token: "t",
      message: "Add docs",
      requester: { login: "octocat", id: 1 },
      botLogin: "issue-agent[bot]",
    });
    return { hits, pushed };
  } catch (error) {
    return { hits, pushed, error: String((error as Error).message) };
  }
}

describe("pre-push check: placeholder tier", () => {
  const placeholders: [string, string][] = [
    ["docs/billing.md", "Set `STRIPE_SECRET_KEY=sk_live_ZYXWVUTSRQPONMLKJIHGFEDC` in your shell."],
    ["README.md", "git remote add mirror https://user:pass@example.com/app.git"],
  ];

  it("pushes a change that adds only placeholder-tier values, though the scan reports them", async () => {
    const r = await publish(placeholders);
    expect(r.hits.map((h) => [h.path, h.placeholder])).toEqual([
      ["docs/billing.md", true],
      ["README.md", true],
    ]);
    expect(r.error).toBeUndefined();
    expect(r.pushed).toBe(1);
  });

  it("refuses a change that adds a real-tier value next to them, naming it without the secret", async () => {
    const key = make.stripeLive(700);
    const r = await publish([...placeholders, ["src/billing.ts", `const stripe = new Stripe("${key}");`]]);
    expect(r.pushed).toBe(0);
    expect(r.error).toMatch(/secret scan found[\s\S]*src\/billing\.ts/);
    // The refusal lists the real finding only.
    expect(r.error).not.toMatch(/README\.md|docs\/billing\.md/);
    expect(r.error).not.toContain(key.slice(8, 20));
  });
});
