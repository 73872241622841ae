/**
 * Security review on a 5,000-line diff: time to findings for the deterministic layer (secrets,
 * hidden text, lockfile parsing; OSV is off so the network does not count) and the model input
 * tokens the review would spend per 1,000 diff lines (estimated from the exact prompt it builds).
 */
import { performance } from "node:perf_hooks";
import { buildModelPrompt, estimateTokens } from "../src/review/review-prompt.js";
import { loadPrompt } from "../src/agent/index.js";
import { parseUnifiedDiff } from "../src/review/parse-diff.js";
import { reviewDiff, DEFAULT_MODEL_CHARS } from "../src/review/review-diff.js";

const FILES = 50;
const LINES_PER_FILE = 100;

function makeDiff(): { text: string; planted: number } {
  const parts: string[] = [];
  let planted = 0;
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = 0; i < LINES_PER_FILE; i++) {
      if (i === 50 && f % 10 === 0) {
        lines.push(`+const token${f} = "ghp_${"Zq8vN2kR5tW1yB4mC7xE0aD3fG6hJ9lP2sU5".slice(0, 36)}";`);
        planted++;
      } else if (i % 7 === 0) lines.push(`+  const value${i} = await fetchUser(request.params.id, { retries: ${i}, timeout: 3000 }); // user ${i}`);
      else if (i % 5 === 0) lines.push(`+  logger.info({ user: value, password: process.env.DB_PASSWORD }, "loaded user ${i}");`);
      else lines.push(`+  export function handler${i}(req: Request, res: Response) { return res.json({ ok: true, n: ${i} }); }`);
    }
    parts.push(
      `diff --git a/src/module${f}.ts b/src/module${f}.ts\nnew file mode 100644\n--- /dev/null\n+++ b/src/module${f}.ts\n@@ -0,0 +1,${LINES_PER_FILE} @@\n${lines.join("\n")}`,
    );
  }
  return { text: `${parts.join("\n")}\n`, planted };
}

const { text, planted } = makeDiff();
const totalLines = FILES * LINES_PER_FILE;
const config = { secretScan: true, modelReview: false, ignorePaths: [], minSeverity: "low" as const };

// Warm-up (module init, regex compilation, secretlint rule loading), then measured runs.
await reviewDiff({ diff: text, config, osv: false });
const runs: number[] = [];
let found = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const result = await reviewDiff({ diff: text, config, osv: false });
  runs.push(performance.now() - t0);
  found = result.findings.length;
}
runs.sort((a, b) => a - b);
const median = runs[Math.floor(runs.length / 2)] ?? 0;

const prompt = buildModelPrompt(parseUnifiedDiff(text), DEFAULT_MODEL_CHARS);
const modelTokens = estimateTokens(`${loadPrompt("review-base")}\n\n${loadPrompt("security-review")}`) + estimateTokens(prompt.text);
const sentLines = prompt.lines;

console.log(`diff: ${FILES} files, ${totalLines} added lines, ${planted} planted secrets`);
console.log(
  `deterministic layer: median ${median.toFixed(0)} ms over ${runs.length} runs (min ${runs[0]?.toFixed(0)} ms, max ${runs.at(-1)?.toFixed(0)} ms), ${found} findings — target < 1000 ms: ${median < 1000 ? "OK" : "MISSED"}`,
);
console.log(
  `model prompt: ${prompt.text.length} chars, ${sentLines} of ${totalLines} lines within the ${DEFAULT_MODEL_CHARS}-char budget (${prompt.overBudget.length} files over budget)`,
);
console.log(
  `model input tokens (first request, ~4 chars/token): ${modelTokens} total, ${Math.round((modelTokens / Math.max(1, sentLines)) * 1000)} per 1,000 diff lines`,
);
if (found !== planted) {
  console.error(`expected ${planted} findings, got ${found}`);
  process.exit(1);
}
