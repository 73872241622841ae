import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { createTranscriptRecorder, type TranscriptEntry } from "../../../src/agent/transcript.js";
import type { GitHubClient } from "../../../src/github/client.js";
import { createRepoGitHub } from "../../../src/github/repo-github.js";
import { layoutTranscript, renderEntry, type TranscriptLimits } from "../../../src/tasks/render-transcript.js";
import { publishTranscriptCheck, saveTranscriptLines } from "../../../src/tasks/run-transcript.js";
import { fakeJob } from "../../helpers/job-context.js";
import { mockGitHub } from "../../helpers/mock-github.js";

const PAT = `ghp_${"a1B2c3D4e5".repeat(4)}`;
const LITERAL = "hunter2-literal-secret-value";

function entries(n: number): TranscriptEntry[] {
  const rec = createTranscriptRecorder({ now: () => 0 });
  rec.task("resolve-issue", "gpt-5", "Fix the bug.");
  for (let i = 1; i <= n; i++) {
    rec.onEvent({ type: "turn_start", turn: i });
    rec.onEvent({ type: "tool_call", name: "shell", callId: `c${i}`, arguments: JSON.stringify({ command: `echo step-${i}` }) });
    rec.onEvent({ type: "tool_result", name: "shell", callId: `c${i}`, ok: true, output: `output of step-${i}\n`.repeat(20), durationMs: 5 });
  }
  return [...rec.entries];
}

describe("transcript recorder", () => {
  it("redacts token shapes and the run's literal secrets in arguments, outputs, text and the task, as they are recorded", () => {
    const rec = createTranscriptRecorder({ secrets: () => [LITERAL] });
    rec.task("resolve-issue", "gpt-5", `Use ${LITERAL}`);
    rec.onEvent({ type: "tool_call", name: "shell", callId: "1", arguments: JSON.stringify({ command: `curl -H 'Authorization: token ${PAT}'` }) });
    rec.onEvent({ type: "tool_result", name: "shell", callId: "1", ok: true, output: `env: GITHUB_TOKEN=${PAT}\nX=${LITERAL}`, durationMs: 1 });
    rec.onEvent({ type: "model_text", text: `the key is ${PAT}` });
    const all = JSON.stringify(rec.entries);
    expect(all).not.toContain(PAT);
    expect(all).not.toContain(LITERAL);
    expect(rec.entries).toHaveLength(4);
  });

  it("keeps the head and tail of a long output and says how much is left out", () => {
    const rec = createTranscriptRecorder({ outputHead: 100, outputTail: 50 });
    rec.onEvent({ type: "tool_result", name: "shell", callId: "1", ok: true, output: `HEAD${"x".repeat(10_000)}TAIL`, durationMs: 1 });
    const entry = rec.entries[0] as Extract<TranscriptEntry, { type: "tool_result" }>;
    expect(entry.truncated).toBe(true);
    expect(entry.output).toMatch(/^HEAD[\s\S]*\[9858 characters not shown\][\s\S]*TAIL$/);
  });

  it("turns cumulative usage into each turn's own tokens and cost, per session", () => {
    const rec = createTranscriptRecorder();
    rec.onEvent({ type: "usage", turn: 1, usage: { input: 100, cachedInput: 0, output: 10, reasoning: 0 }, costUsd: 0.01 });
    rec.onEvent({ type: "usage", turn: 2, usage: { input: 250, cachedInput: 0, output: 30, reasoning: 0 }, costUsd: 0.03 });
    rec.onEvent({ type: "outcome", outcome: "completed", summary: "done" });
    rec.onEvent({ type: "usage", turn: 1, usage: { input: 40, cachedInput: 0, output: 4, reasoning: 0 }, costUsd: 0.004 });
    const usage = rec.entries.filter((e) => e.type === "usage");
    expect(usage.map((u) => [u.inputTokens, u.outputTokens])).toEqual([
      [100, 10],
      [150, 20],
      [40, 4],
    ]);
  });
});

describe("transcript layout within GitHub's limits", () => {
  const small: TranscriptLimits = { summary: 2000, text: 3000, annotation: 2500, annotations: 3, block: 1500 };

  it("a transcript longer than the limits is split across summary, text and annotation parts in order, each within its limit, and the rest is listed, never silently cut", () => {
    const list = entries(40);
    const layout = layoutTranscript("## header", list, small);
    expect(layout.summary.startsWith("## header")).toBe(true);
    expect(layout.summary.length).toBeLessThanOrEqual(small.summary);
    expect(layout.text.length).toBeLessThanOrEqual(small.text);
    expect(layout.parts.length).toBe(3);
    for (const part of layout.parts) expect(part.length).toBeLessThanOrEqual(small.annotation);
    expect(layout.parts[0]).toMatch(/^Run transcript, part 1 of 3/);
    expect(layout.omitted).toBeGreaterThan(0);
    expect(layout.text).toContain(`**${layout.omitted} more transcript entries did not fit`);

    // Every entry is either shown in full (in order) or listed in the note.
    const shown = [layout.summary, layout.text, ...layout.parts].join("\n");
    const full = list.map((e) => renderEntry(e).block).filter((b) => shown.includes(b));
    expect(full.length + layout.omitted).toBe(list.length);
    let last = -1;
    for (const block of full) {
      const at = shown.indexOf(block);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
    expect(layout.text).toMatch(/- turn \d+: shell echo step-\d+/);
  });

  it("a short transcript fits in the summary and text with nothing left out", () => {
    const layout = layoutTranscript("## header", entries(2), small);
    expect(layout.omitted).toBe(0);
    expect(layout.parts).toEqual([]);
    expect(`${layout.summary}\n${layout.text}`).toContain("echo step-2");
  });

  it("one entry bigger than a block is shortened with a marker, keeping its start and end", () => {
    const rec = createTranscriptRecorder({ outputHead: 50_000, outputTail: 50_000 });
    rec.onEvent({ type: "tool_result", name: "read_file", callId: "1", ok: true, output: `START${"y".repeat(20_000)}END`, durationMs: 1 });
    const layout = layoutTranscript("h", rec.entries, small);
    const all = [layout.summary, layout.text, ...layout.parts].join("\n");
    expect(all).toContain("START");
    expect(all).toContain("END");
    expect(all).toMatch(/characters of this entry not shown/);
  });
});

describe("JSON Lines file", () => {
  it("writes one entry per line and removes files older than the retention", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ia-transcripts-"));
    try {
      const old = path.join(dir, "transcripts", "old-job.jsonl");
      await saveTranscriptLines(dir, "old-job", entries(1), 7);
      const past = (Date.now() - 8 * 86_400_000) / 1000;
      utimesSync(old, past, past);
      writeFileSync(path.join(dir, "transcripts", "keep.txt"), "not ours");
      const file = await saveTranscriptLines(dir, "job-1", entries(3), 7);
      const lines = readFileSync(file!, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as TranscriptEntry);
      expect(lines.filter((e) => e.type === "tool_call")).toHaveLength(3);
      expect(readdirSync(path.join(dir, "transcripts")).sort()).toEqual(["job-1.jsonl", "keep.txt"]);
      expect(await saveTranscriptLines(dir, "job-2", entries(1), 0)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the transcript check run", () => {
  it("a retried run edits the app's transcript check run on the commit instead of adding a second (another app's is left alone)", async () => {
    const gh = mockGitHub();
    try {
      const sha = "c".repeat(40);
      gh.on("GET", `/repos/o/r/commits/${sha}/check-runs`).reply(200, {
        total_count: 2,
        check_runs: [
          { id: 7, name: "issue-agent: run", app: { slug: "other-app" } },
          { id: 555, name: "issue-agent: run", app: { slug: "issue-agent" } },
        ],
      });
      gh.on("PATCH", "/repos/o/r/check-runs/555").reply(200, { id: 555, html_url: "https://github.com/o/r/runs/555" });
      const octokit = new Octokit({ auth: "x", request: { retries: 0 } }) as unknown as GitHubClient;
      const url = await publishTranscriptCheck({
        deps: { env: {} as never },
        job: fakeJob({ kind: "resolve-issue", key: "o/r#1", payload: {} }),
        gh: createRepoGitHub(octokit, { owner: "o", repo: "r" }, { botLogin: "issue-agent[bot]" }),
        recorder: createTranscriptRecorder({ now: () => 0 }),
        headSha: sha,
        files: [{ path: "README.md", deleted: false }],
        header: "## issue-agent run",
        secrets: [],
      });
      expect(url).toBe("https://github.com/o/r/runs/555");
      gh.assertDone();
      expect(gh.callsTo("POST", "/repos/o/r/check-runs")).toEqual([]);
    } finally {
      gh.stop();
    }
  });
});
